"""Declarative commands: markdown or TOML files in ``commands/`` folders, each one a
command (``commands/explain.md`` is ``opencode explain``, later ``/explain`` in chat).

``command`` reads a file into a ``Command``; ``template`` fills its placeholders;
``expand`` runs its ``!`` and ``@`` parts through the tools and permissions and gives
the prompt of the agent run. Finding the names fast, for ``--help``, is
``opencode.commandindex``'s job.
"""

from .command import Command, find_command, load_command
from .expand import Expansion, command_agent, expand

__all__ = ["Command", "Expansion", "command_agent", "expand", "find_command", "load_command"]
