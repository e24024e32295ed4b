"""The app for other ASGI servers and for several workers:
``uvicorn --factory opencode.serve.asgi:from_environment --workers 4``.

The project is the working directory, the settings those of ``opencode serve``.
Without ``OPENCODE_SERVER_PASSWORD`` only loopback ``Host`` headers are answered, so
an app started this way is never open to the network by accident.
"""

from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from starlette.applications import Starlette


def from_environment() -> Starlette:
    from ..llm.environment import LITELLM_ENVIRONMENT
    from .app import create_app
    from .auth import PASSWORD_ENV
    from .state import ServerState

    env = dict(os.environ)  # as the process started: what tools and config see
    for name, value in LITELLM_ENVIRONMENT.items():
        os.environ.setdefault(name, value)  # this face owns its process (llm.environment)
    state = ServerState(Path.cwd(), env, password=env.get(PASSWORD_ENV) or None)
    if state.password is None:
        state.hosts = ["127.0.0.1", "localhost", "[::1]"]
    state.origins = [str(o) for o in state.setting("cors", [])]
    return create_app(state)
