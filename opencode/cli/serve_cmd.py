"""``opencode serve``: the HTTP API (``opencode.serve``), started through its ``main``
module, the one part of the server face the command line may import."""

from __future__ import annotations

import click

from .clickutil import pass_runtime


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (default: [server] port, 4096; 0: any free one)")
@click.option("--host", help="Address to listen on (default: 127.0.0.1; others need OPENCODE_SERVER_PASSWORD)")
@pass_runtime
def serve(runtime, port: int | None, host: str | None) -> None:
    """Serve the HTTP API of this project: sessions, chat (SSE and WebSocket), tools,
    files, config, models. Ctrl-C stops it. Routes: /docs.

    \b
      opencode serve --port 4096
      OPENCODE_SERVER_PASSWORD=secret opencode serve --host 0.0.0.0
      curl -N localhost:4096/api/chat/stream -d '{"message": "explain main.py"}'
    """
    import opencode.serve.main  # the one part of the server face the CLI may import

    raise SystemExit(
        opencode.serve.main.run_server(runtime.cwd, runtime.env, flags=runtime.flags, profile=runtime.profile, host=host, port=port)
    )
