"""Where OAuth tokens for remote MCP servers are kept: one JSON file, mode 0600.

``$OPENCODE_DATA_DIR/mcp/oauth.json`` maps a server name to its URL, the client
registration the authorization server gave (dynamic client registration), and the
tokens with the time the access token expires. An entry is used only for the URL it
was made for: a server that moved is authorized afresh. ``ServerTokens`` is the SDK's
``TokenStorage`` for one server.
"""

from __future__ import annotations

import json
import time

from ..errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class TokenFile:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "mcp" / "oauth.json"

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{self.path}: unreadable MCP token file ({exc}); remove it and run opencode mcp auth again") from None
        return data if isinstance(data, dict) else {}

    def save(self, data: dict[str, Any]) -> None:
        """Write ``data`` readable by its owner only, replacing the file atomically."""
        from ..fsutil import atomic_write

        atomic_write(self.path, json.dumps(data, indent=2).encode("utf-8"), mode=0o600)

    def entry(self, name: str, url: str) -> dict[str, Any]:
        found = self.load().get(name)
        return found if isinstance(found, dict) and found.get("url") == url else {}

    def update(self, name: str, url: str, **fields: Any) -> None:
        data = self.load()
        entry = data.get(name) if isinstance(data.get(name), dict) and data[name].get("url") == url else {"url": url}
        entry.update(fields)
        data[name] = entry
        self.save(data)

    def remove(self, name: str) -> bool:
        data = self.load()
        if name not in data:
            return False
        del data[name]
        self.save(data)
        return True


class ServerTokens:
    """The SDK's ``TokenStorage`` for server ``name`` at ``url``."""

    def __init__(self, store: TokenFile, name: str, url: str) -> None:
        self.store, self.name, self.url = store, name, url

    def expires_at(self) -> float | None:
        return self.store.entry(self.name, self.url).get("expires_at")

    async def get_tokens(self) -> Any:
        from mcp.shared.auth import OAuthToken

        tokens = self.store.entry(self.name, self.url).get("tokens")
        return OAuthToken.model_validate(tokens) if tokens else None

    async def set_tokens(self, tokens: Any) -> None:
        expires = time.time() + float(tokens.expires_in) if tokens.expires_in else None
        self.store.update(self.name, self.url, tokens=tokens.model_dump(mode="json", exclude_none=True), expires_at=expires)

    async def get_client_info(self) -> Any:
        from mcp.shared.auth import OAuthClientInformationFull

        info = self.store.entry(self.name, self.url).get("client")
        return OAuthClientInformationFull.model_validate(info) if info else None

    async def set_client_info(self, client_info: Any) -> None:
        self.store.update(self.name, self.url, client=client_info.model_dump(mode="json", exclude_none=True))
