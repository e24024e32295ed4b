"""Running a command in a session of its own, and stopping all of it.

Why a session: ``bash -c`` starts children and grandchildren (pipelines, ``&`` jobs,
nested shells). Started with ``start_new_session=True``, the shell leads a new session
and process group whose ids are its pid; every descendant inherits both, and a
terminal's Ctrl-C (sent to opencode's foreground group) never reaches them directly.
Stopping the command means signalling that group and, on Linux, any member of the
session that moved to a group of its own (jobs under ``set -m``), found through /proc.
Only processes that deliberately leave the session (``setsid``, daemons) survive.

Why a protocol instead of ``create_subprocess_exec`` and ``Process.wait()``: up to
Python 3.11 ``wait()`` returns only once every pipe is closed, so a background job
holding stdout open would keep us waiting long after the shell exited.
``process_exited`` says at once when the shell is gone; we then drain the pipe briefly
and stop reading.

Imported only when a command runs, so asyncio at module level costs nothing elsewhere.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Callable, Mapping

POLL_S = 0.05


class Outcome:
    """How a command ended: its return code (negative: killed by that signal), or a timeout."""

    __slots__ = ("returncode", "timed_out")

    def __init__(self, returncode: int | None, timed_out: bool) -> None:
        self.returncode = returncode
        self.timed_out = timed_out


class _Capture(asyncio.SubprocessProtocol):
    """Hands every chunk of the merged stdout/stderr to ``sink`` as it arrives."""

    def __init__(self, sink: Callable[[bytes], None]) -> None:
        loop = asyncio.get_running_loop()
        self.sink = sink
        self.exited: asyncio.Future[None] = loop.create_future()
        self.eof: asyncio.Future[None] = loop.create_future()

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        self.sink(data)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        _settle(self.eof)

    def process_exited(self) -> None:
        _settle(self.exited)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def run_in_session(
    argv: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None,
    sink: Callable[[bytes], None],
    timeout: float,
    grace: float,
    drain: float,
    preexec: Callable[[], None] | None = None,
) -> Outcome:
    """Run ``argv`` in a new session, feeding its output to ``sink``.

    ``preexec`` runs in the child just before exec (the sandbox is applied there); if
    it raises, nothing runs and ``subprocess.SubprocessError`` is raised here.

    On timeout the whole session is stopped (SIGTERM, then SIGKILL after ``grace``
    seconds). On cancellation (Ctrl-C, an agent aborting) likewise, and the
    cancellation goes on. After the shell exits, output still in the pipe is read for
    at most ``drain`` seconds. Jobs the command left running in the background on a
    normal exit are left alone; their later output is not captured.
    """
    transport, capture = await _spawn(argv, cwd=cwd, env=env, sink=sink, grace=grace, preexec=preexec)
    pgid = transport.get_pid()
    settled = False
    try:
        timed_out = not await _wait(capture.exited, timeout)
        if timed_out:
            await stop_session(pgid, grace)
            await _wait(capture.exited, grace)
        settled = True
        await _wait(capture.eof, drain)
        return Outcome(transport.get_returncode(), timed_out)
    except BaseException:
        if not settled:
            await stop_session(pgid, grace)
        raise
    finally:
        if not settled:
            signal_session(pgid, signal.SIGKILL)
        transport.close()


async def _spawn(argv: list[str], *, cwd: Path, env: Mapping[str, str] | None, sink: Callable[[bytes], None], grace: float, preexec: Callable[[], None] | None) -> tuple[Any, _Capture]:
    """Start ``argv`` in a session of its own. Cancelled meanwhile, the command may
    already run while its pipes are set up, and asyncio would then kill the shell alone
    and leave what it started: so the start is let finish, and the session stopped."""
    loop = asyncio.get_running_loop()
    spawn = asyncio.ensure_future(
        loop.subprocess_exec(
            lambda: _Capture(sink), *argv,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            cwd=cwd, env=env, start_new_session=True, preexec_fn=preexec,
        )
    )
    try:
        return await asyncio.shield(spawn)
    except asyncio.CancelledError:
        transport, _ = await spawn
        await stop_session(transport.get_pid(), grace)
        transport.close()
        raise


async def _wait(future: asyncio.Future[None], timeout: float) -> bool:
    """Wait for ``future`` at most ``timeout`` seconds; True when it is done."""
    await asyncio.wait([future], timeout=timeout)
    return future.done()


async def stop_session(pgid: int, grace: float) -> None:
    """SIGTERM the session, give it ``grace`` seconds to go, then SIGKILL what is left."""
    signal_session(pgid, signal.SIGTERM)
    signal_session(pgid, signal.SIGCONT)
    deadline = asyncio.get_running_loop().time() + grace
    while session_alive(pgid) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(POLL_S)
    signal_session(pgid, signal.SIGKILL)


def signal_session(pgid: int, sig: int) -> None:
    """Send ``sig`` to the process group ``pgid`` and to every member of its session."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in session_members(pgid) or ():
        if pid != os.getpid():
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass


def session_alive(pgid: int) -> bool:
    """Whether any process of the group or session still runs (zombies do not count)."""
    members = session_members(pgid)
    if members is not None:
        return bool(members)
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def session_members(sid: int) -> list[int] | None:
    """Live pids whose process group or session is ``sid``; None without /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    found = []
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 3 and fields[0] not in (b"Z", b"X") and sid in (int(fields[2]), int(fields[3])):
            found.append(int(name))
    return found
