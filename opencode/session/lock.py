"""One session's lock, held across processes and within one: ``fcntl.flock``.

``flock`` locks belong to an open file, not to a process, so two runs in one server
process exclude each other as two processes do, and the kernel lets go when a holder
dies (a killed run never leaves a session locked). Waiting polls without blocking the
event loop, for at most ``wait`` seconds; then the session is ``Busy``.
"""

from __future__ import annotations

import asyncio
import os
import time

from ..errors import Busy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

POLL = 0.05


class SessionLock:
    """``async with`` (or ``with``) holds the lock of one session's file."""

    def __init__(self, path: Path, session_id: str, wait: float = 30.0) -> None:
        self.path, self.session_id, self.wait = path, session_id, wait
        self._fd: int | None = None

    def _try(self) -> bool:
        import fcntl

        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _busy(self) -> Busy:
        self.release()
        return Busy(f"session {self.session_id[:8]} is in use by another run", hint="wait for it to finish, or start a new session")

    async def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        try:
            while not self._try():
                if time.monotonic() >= deadline:
                    raise self._busy()
                await asyncio.sleep(POLL)
        except BaseException:
            self.release()
            raise

    def acquire_blocking(self) -> None:
        deadline = time.monotonic() + self.wait
        while not self._try():
            if time.monotonic() >= deadline:
                raise self._busy()
            time.sleep(POLL)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file lets go of its lock
            self._fd = None

    async def __aenter__(self) -> SessionLock:
        await self.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release()

    def __enter__(self) -> SessionLock:
        self.acquire_blocking()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
