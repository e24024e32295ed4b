"""The response cache: a non-streamed completion, stored under a hash of the request.

Keyed by model, address, messages, tools and sampling parameters (never the key), so a
Makefile that runs the same ``opencode ask`` twice pays once. diskcache keeps it in the
data directory and handles concurrent processes.
"""

from __future__ import annotations

from pathlib import Path

from .types import Completion, Request

FOLDER = "cache/llm"


class ResponseCache:
    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir / FOLDER
        self._cache = None

    def _open(self):
        if self._cache is None:
            import diskcache

            self.directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(self.directory))
        return self._cache

    def get(self, request: Request) -> Completion | None:
        data = self._open().get(request.cache_key())
        return Completion.from_cache(data) if isinstance(data, dict) else None

    def put(self, request: Request, completion: Completion) -> None:
        self._open().set(request.cache_key(), completion.to_cache())

    def stats(self) -> dict[str, int | str]:
        cache = self._open()
        return {"entries": len(cache), "bytes": cache.volume(), "directory": str(self.directory)}

    def clear(self) -> int:
        return self._open().clear()

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
