"""SIGTERM and SIGHUP end a command the way Ctrl-C does.

A CI runner stops a job with SIGTERM (and SIGKILL a little later); a closed terminal
sends SIGHUP. Python's default for both is to die on the spot, skipping every cleanup:
a bash command runs in a session of its own (``tools._proc``), so it would live on, and
an agent run would end without its ``done`` record. So both signals are handled as
SIGINT is: the main task of the running ``asyncio`` call (``run`` here, or the one
``asyncio.run`` started, through its own SIGINT handler) is cancelled, which stops a
running tool's process group and lets an agent run end with ``error`` and ``done``;
outside an event loop ``KeyboardInterrupt`` is raised. A second signal insists:
``KeyboardInterrupt`` at once.

The exit status follows the Unix convention, 128 + the signal's number: 130 after
Ctrl-C, 143 after SIGTERM, 129 after SIGHUP, so a CI log tells what stopped a command.
A signal that was ignored when opencode started (``nohup``) stays ignored.
"""

from __future__ import annotations

# _signal rather than signal: this runs before every command, and signal's enums cost
# more than the rest of a plain ``opencode read`` start-up.
import _signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Coroutine

HANDLED = (_signal.SIGTERM, _signal.SIGHUP)
NAMES = {_signal.SIGTERM: "SIGTERM", _signal.SIGHUP: "SIGHUP"}

#: The signals received, first first.
received: list[int] = []
_main: list[Any] = []  # the main task of ``run``, while it runs


def install() -> None:
    """Handle SIGTERM and SIGHUP as described above (main thread only)."""
    for number in HANDLED:
        if _signal.getsignal(number) == _signal.SIG_DFL:
            _signal.signal(number, _on_signal)


def _on_signal(number: int, frame: Any) -> None:
    first = not received
    received.append(number)
    task = _main[-1] if _main else None
    if first and task is not None and not task.done():
        task.cancel()
        task.get_loop().call_soon_threadsafe(lambda: None)  # wake a loop blocked in select()
        return
    handler = _signal.getsignal(_signal.SIGINT)
    if first and callable(handler):
        handler(_signal.SIGINT, frame)  # asyncio.run's handler cancels its main task
        return
    raise KeyboardInterrupt


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """``asyncio.run(coroutine)``, stopped by SIGTERM and SIGHUP even where SIGINT is
    ignored (a job started with ``&``). A cancelled run raises KeyboardInterrupt, as
    after Ctrl-C."""
    import asyncio

    async def main() -> Any:
        _main.append(asyncio.current_task())
        try:
            return await coroutine
        finally:
            _main.pop()

    try:
        return asyncio.run(main())
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None


def exit_status(code: int) -> int:
    """The exit status of a command that ended with ``code``: an interrupted one
    reports the signal that stopped it."""
    if code == 130 and received:
        return 128 + received[0]
    return code


def description() -> str:
    """What stopped the command, for its error message."""
    return f"terminated by {NAMES[received[0]]}" if received else "interrupted"
