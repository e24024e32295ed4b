"""Turning a command and its arguments into the prompt of an agent run.

``expand`` fills the placeholders (``template``), runs each ``!`cmd``` through the
``bash`` tool and each ``@path`` through the ``read`` tool, both by the one tool
execution path with the run's permission engine as the gate: the command's agent, the
config's rules, ``--yes``/``--allow``, and the person who may be asked (none: an ask
is a denial, exit 3). So a command file can do nothing its agent could not do, and an
argument can name no file the agent could not read. The CLI's ``opencode NAME ARGS``
and chat's ``/NAME ARGS`` both call this.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ...errors import OpencodeError, UsageError
from .template import TemplateError, file_refs, fill_shell, fill_text, segments, uses_arguments

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

    from ...agent.agents import Agent
    from ...agent.permissions import Permissions
    from ...agent.seams import Person
    from ...paths import PathPolicy
    from ..workspace import Workspace
    from .command import Command


@dataclass(frozen=True)
class Expansion:
    """What to run: the prompt, the agent that judged its ``!`` commands (and so
    runs it), and the command's model (None: the agent's or the config's)."""

    prompt: str
    agent: str
    model: str | None
    command: Command


async def expand(
    workspace: Workspace,
    command: Command,
    args: Sequence[str],
    *,
    yes: bool = False,
    allow: Sequence[str] = (),
    person: Person | None = None,
) -> Expansion:
    """The prompt of ``command`` run with ``args``; an error naming the file when a
    placeholder cannot be filled, a ``!`` command is not allowed or fails to start,
    or an ``@`` file cannot be read."""
    from ..run import permissions_for

    for warning in command.warnings:
        workspace.warn(warning)
    agent = command_agent(workspace, command)
    paths = workspace.path_policy()
    permissions = permissions_for(workspace, agent, paths, yes=yes, allow=tuple(allow), person=person)
    runner = _Runner(workspace, command, permissions, paths)
    parts, files = [], {}
    for kind, value in segments(command.template):
        if kind == "shell":
            parts.append(await runner.shell(value, args))
        else:
            parts.append(await runner.text(fill_text(value, args), files))
    prompt = "".join(parts).strip()
    if args and not uses_arguments(command.template):
        prompt += "\n\n" + " ".join(args)
    if files:
        prompt += "\n\n" + "\n\n".join(f'<file path="{path}">\n{body}\n</file>' for path, body in files.items())
    return Expansion(prompt, agent.name, command.model, command)


def command_agent(workspace: Workspace, command: Command) -> Agent:
    """The agent the command runs as: its own, else the config's default. A subagent
    only with ``subtask: true``."""
    agents = workspace.agents
    name = command.agent or workspace.config.get("agent") or agents.default.name
    try:
        agent = agents.get(name)
    except UsageError as error:
        raise UsageError(f"{command.path}: {error.message}", hint=error.hint) from None
    if agent.mode == "subagent" and not command.subtask:
        raise UsageError(f"{command.path}: {name} is a subagent; add 'subtask: true' to run the command as it")
    return agent


class _Runner:
    """Runs a command's ``!`` and ``@`` parts through the tools, gated by ``permissions``."""

    def __init__(self, workspace: Workspace, command: Command, permissions: Permissions, paths: PathPolicy) -> None:
        self.workspace, self.command, self.permissions = workspace, command, permissions
        self.context = workspace.tool_context(paths=paths)

    async def shell(self, template: str, args: Sequence[str]) -> str:
        try:
            line = fill_shell(template, args)
        except TemplateError as exc:
            from ...errors import ConfigError

            raise ConfigError(f"{self.command.path}: {exc}", file=str(self.command.path)) from None
        return await self._call("bash", {"command": line}, f"!`{line}`")

    async def text(self, text: str, files: dict[str, str]) -> str:
        """``text`` with each ``@path`` that names a file (or has a ``/``) read into
        ``files``; the reference itself becomes the plain path."""
        out, position = [], 0
        for start, end, path in file_refs(text):
            if "/" not in path and not os.path.lexists(os.path.join(self.workspace.cwd, path)):
                continue  # "@AgentTask", "@property": a word, not a file
            if path not in files:
                files[path] = await self._call("read", {"path": path}, f"@{path}")
            out += [text[position:start], path]
            position = end
        out.append(text[position:])
        return "".join(out)

    async def _call(self, tool: str, params: dict, shown: str) -> str:
        from ...tools.execute import execute

        outcome = await execute(self.workspace.registry, tool, params, self.context, gate=self.permissions)
        if outcome.error is not None:
            error: OpencodeError = outcome.error
            error.message = f"{self.command.path.name}: {shown}: {error.message}"
            error.args = (error.message,)
            raise error
        assert outcome.result is not None
        return outcome.result.output
