"""What one server process keeps between requests: the workspace, the event bus, the
asks waiting for an answer, and its settings (from ``[server]`` in the config)."""

from __future__ import annotations

from pathlib import Path

from .bridge import PendingAsks
from .events import EventHub

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

    from ..app.workspace import Workspace

#: Defaults of the ``[server]`` keys this face reads.
MAX_BODY = 1 << 20
PERMISSION_TIMEOUT = 300.0
HEARTBEAT = 15.0


class ServerState:
    def __init__(
        self,
        cwd: Path,
        env: Mapping[str, str],
        *,
        flags: Mapping[str, Any] | None = None,
        profile: str | None = None,
        password: str | None = None,
        origins: list[str] | None = None,
        hosts: list[str] | None = None,
    ) -> None:
        self.cwd, self.env, self.flags, self.profile = Path(cwd), env, dict(flags or {}), profile
        self.password = password
        self.origins = origins or []  # the origins a browser may call from (CORS)
        self.hosts = hosts or []  # the Host headers accepted (none: any)
        self.hub = EventHub()
        self.attach_token: str | None = None  # set once published for warm attach
        self.asks = PendingAsks()
        self.workspace = self._new_workspace()

    def _new_workspace(self) -> Workspace:
        import logging

        from ..app.workspace import Workspace

        return Workspace(self.cwd, self.env, flags=self.flags, profile=self.profile, warn=logging.getLogger("opencode.serve").warning)

    def reload(self) -> None:
        """A fresh workspace after the config changed; running turns keep theirs."""
        self.workspace = self._new_workspace()

    def setting(self, key: str, default: Any) -> Any:
        return self.workspace.config.get(f"server.{key}", default)

    @property
    def max_body(self) -> int:
        return int(self.setting("max_body", MAX_BODY))

    @property
    def permission_timeout(self) -> float:
        return float(self.setting("permission_timeout", PERMISSION_TIMEOUT))

    @property
    def heartbeat(self) -> float:
        return float(self.setting("heartbeat", HEARTBEAT))
