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

    The HTTP API is served beside it (opencode --port N chat; --no-server for none).
    """
    import opencode.chat.main  # the one part of the chat face the CLI may import

    served: list = []
    try:
        code = opencode.chat.main.run_chat(
            runtime.cwd, runtime.env, flags=runtime.flags, profile=runtime.profile, agent=agent_name, model=model,
            continue_last=continue_last, session=session, read_piped=runtime.read_stdin, on_terminal=lambda: _serve_api(runtime, served),
        )
    finally:
        for api in served:
            api.stop()
    raise SystemExit(code)


def _serve_api(runtime, served: list) -> list[str]:
    """The HTTP API beside the chat, as the root command does (``--port``, default
    ``[server] port`` or 4096; ``--no-server`` or ``[server] enabled = false``: none);
    the lines chat shows about it. A port in use is one of those lines, not a failure:
    the chat matters more."""
    if runtime.flags.get("server.enabled") is False:
        return []
    import opencode.serve.main  # the server face's entry, as for opencode serve

    from ..errors import OpencodeError

    try:
        api = opencode.serve.main.serve_in_background(runtime.cwd, runtime.env, flags=runtime.flags, profile=runtime.profile)
    except OpencodeError as error:
        return [f"the HTTP API is not served: {error.message} (--port N to choose another, --no-server for none)"]
    if api is None:
        return []
    served.append(api)
    return [f"HTTP API on {api.url} (opencode ask and run here use it; --no-server for none)"]
