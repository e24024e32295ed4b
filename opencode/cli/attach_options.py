"""``--attach URL`` and ``--no-attach``, shared by the commands that can hand their work
to a running server (``opencode ask``, ``opencode run``), and the choice they make.

Kept apart from ``cli.attach`` so that declaring the options imports nothing: the
client is imported only when there is a server to talk to.
"""

from __future__ import annotations

import click

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

#: Root flags that a server cannot take from a request: with one of them, in-process.
_LOCAL_ONLY = ("model", "provider.default")


def attach_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--attach", "attach_url", metavar="URL",
        help="Use this running opencode server (default: yours for this directory, when one answers)",
    )(command)
    return click.option(
        "--no-attach", "no_attach", is_flag=True, help="Run here even when a server of yours answers (also OPENCODE_NO_ATTACH=1)",
    )(command)


def attached_server(runtime: Any, url: str | None, no_attach: bool) -> Any:
    """The server to send this command to, or None to run it in-process."""
    if no_attach and url is not None:
        from ..errors import UsageError

        raise UsageError("--attach and --no-attach contradict each other")
    if no_attach or (url is None and runtime.env.get("OPENCODE_NO_ATTACH", "").lower() in ("1", "true", "yes")):
        return None
    if runtime.profile or any(runtime.flags.get(name) is not None for name in _LOCAL_ONLY):
        return None  # settings given on this command line: the server was started with its own
    from . import attach as client

    server = client.find(runtime, url)
    if server is None and url is None:
        _keep_warm(runtime)
    return server


def _keep_warm(runtime: Any) -> None:
    """With ``[server] keep_warm``, start a server for the next command (this one runs
    here: the server would still be importing litellm)."""
    keep = runtime.workspace.config.get("server.keep_warm")
    if not keep:
        return
    import opencode.serve.main  # the server face's entry

    from ..durations import seconds

    if opencode.serve.main.warm_up(runtime.cwd, runtime.env, seconds(keep)):
        runtime.diag.info("started a warm opencode server for the next commands ([server] keep_warm)")


def using(runtime: Any, server: Any) -> Any:
    """Say (with -v) that this command runs on ``server``; returns it."""
    runtime.diag.info(f"attached to the opencode server at {server.published.url} (--no-attach runs here)")
    return server
