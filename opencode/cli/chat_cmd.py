"""``opencode chat``: the interactive session (and bare ``opencode`` at a terminal).

The chat face is its own package (``opencode.chat``); the command line parses the
options and hands it plain values through ``opencode.chat.main``, the one part of it
the CLI may import. What is piped in (``git diff | opencode chat``) is read only once
chat has found a terminal to talk to, so a pipe without one never hangs the command.
"""

from __future__ import annotations

import click

from .clickutil import pass_runtime


@click.command("chat")
@click.option("--agent", "agent_name", help="The primary agent to start with (default: build)")
@click.option("--model", help="provider/model for this chat")
@click.option("-c", "--continue", "continue_last", is_flag=True, help="Continue the last session")
@click.option("--session", metavar="ID", help="Continue this session (a unique prefix is enough)")
@pass_runtime
def chat(runtime, agent_name, model, continue_last, session) -> None:
    """Chat with the agent in this project: Enter sends, Esc cancels a turn, /help.

    \b
      opencode chat
      opencode chat -c
      git diff | opencode chat      (the diff is context for the first message)
    """
    import opencode.chat.main  # the one part of the chat face the CLI may import

    raise SystemExit(
        opencode.chat.main.run_chat(
            runtime.cwd, runtime.env, flags=runtime.flags, profile=runtime.profile, agent=agent_name, model=model,
            continue_last=continue_last, session=session, read_piped=runtime.read_stdin,
        )
    )
