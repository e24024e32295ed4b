"""``opencode serve``: the HTTP API (``opencode.serve``), started through its ``main``
module, the one part of the server face the command line may import."""

from __future__ import annotations

import click

from .clickutil import pass_runtime


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (default: [server] port, 4096; 0: any free one)")
@click.option("--host", help="Address to listen on (default: 127.0.0.1; others need OPENCODE_SERVER_PASSWORD)")
@click.option("--idle", metavar="DURATION", help="Stop after this long with nothing to do (90s, 10m, 1h)")
@click.option("--daemon", is_flag=True, help="Start in the background, detached; print its URL (default --idle: [server] keep_warm or 10m)")
@click.option("--stop", is_flag=True, help="Stop the server of yours that serves this directory")
@pass_runtime
def serve(runtime, port: int | None, host: str | None, idle: str | None, daemon: bool, stop: bool) -> None:
    """Serve the HTTP API of this project: sessions, chat (SSE and WebSocket), tools,
    files, config, models. Ctrl-C stops it. Routes: /docs.

    \b
      opencode serve --port 4096
      OPENCODE_SERVER_PASSWORD=secret opencode serve --host 0.0.0.0
      opencode serve --daemon --idle 30m     (in the background; opencode ask and run here use it)
      opencode serve --stop
      curl -N localhost:4096/api/chat/stream -d '{"message": "explain main.py"}'
    """
    import opencode.serve.main  # the one part of the server face the CLI may import

    from ..errors import UsageError
    from ..durations import seconds

    if stop or daemon:
        if host or (stop and (daemon or port is not None or idle)):
            raise UsageError("--stop takes no other option, --daemon only --port and --idle" if stop else "--daemon listens on loopback only")
        if stop:
            click.echo(f"stopped the server at {opencode.serve.main.stop_server(runtime.cwd, runtime.env)}")
            return
        wait = seconds(idle or runtime.workspace.config.get("server.keep_warm") or "10m")
        click.echo(opencode.serve.main.start_daemon(runtime.cwd, runtime.env, port=port, idle=wait))
        return
    raise SystemExit(
        opencode.serve.main.run_server(
            runtime.cwd, runtime.env, flags=runtime.flags, profile=runtime.profile, host=host, port=port,
            idle=seconds(idle) if idle else None,
        )
    )
