"""Stored API keys: ``opencode auth login`` writes them, model calls read them.

Keys live in ``auth.json`` in the user data directory, readable by the owner only
(mode 0600, written atomically). An environment variable always wins over a stored key,
so CI and one-off overrides need no file at all. Keys never appear in output: listings
show which providers have one, never the key.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UsageError

FILE = "auth.json"


class AuthStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise UsageError(f"{self.path} is unreadable ({exc}); fix or delete it") from None
        return data if isinstance(data, dict) else {}

    def get(self, provider: str) -> str | None:
        entry = self._load().get(provider)
        return entry.get("key") if isinstance(entry, dict) else None

    def providers(self) -> list[str]:
        return sorted(self._load())

    def set(self, provider: str, key: str) -> None:
        data = self._load()
        data[provider] = {"type": "api", "key": key}
        self._save(data)

    def remove(self, provider: str) -> bool:
        data = self._load()
        if provider not in data:
            return False
        del data[provider]
        self._save(data)
        return True

    def _save(self, data: dict) -> None:
        from ..fsutil import atomic_write

        atomic_write(self.path, json.dumps(data, indent=2).encode("utf-8"), mode=0o600)
