"""``opencode serve``: the HTTP face. An ASGI app (Starlette, served by uvicorn) over
the application layer: sessions, chat turns as protocol records over SSE and a
WebSocket, every registry tool, the project's files, config and models, and the
permission asks of a turn answered over HTTP. It holds no logic of its own.

The one entry from outside is ``main.run_server``; ``docs/server.md`` lists the routes.
"""
