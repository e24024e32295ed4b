"""Permission asks over HTTP: the ``Person`` seam (``agent.seams``) of a turn run for
a client that is not a terminal.

An ask becomes a ``permission_request`` record, sent on the turn's own stream and on
``/api/events``; the run waits until some client answers it with
``POST /api/sessions/{id}/permissions/{request_id}`` (once, always or deny), or until
the timeout, which is a denial. The ``question`` tool's questions go the same way, as
a ``question_request`` answered with ``POST /api/sessions/{id}/questions/{request_id}``
(one answer per question); unanswered, the tool is told nobody could answer.
"""

from __future__ import annotations

import asyncio
import secrets

from .. import protocol
from ..agent.seams import ALWAYS, DENY, ONCE
from ..errors import NotFound, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from ..agent.seams import PermissionAsk

ANSWERS = (ONCE, ALWAYS, DENY)


class PendingAsks:
    """The asks waiting for an answer, by request id, in this server process."""

    def __init__(self) -> None:
        self._waiting: dict[str, tuple[str, str | None, asyncio.Future[Any]]] = {}  # id: (kind, session, answer)

    def open(self, kind: str, session_id: str | None) -> tuple[str, asyncio.Future[Any]]:
        request_id = secrets.token_hex(8)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = (kind, session_id, future)
        return request_id, future

    def close(self, request_id: str) -> None:
        self._waiting.pop(request_id, None)

    def answer(self, session_id: str, request_id: str, answer: Any) -> None:
        """Answer one waiting permission ask; unknown (or settled) asks are 404s."""
        if answer not in ANSWERS:
            raise UsageError(f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
        self._settle("permission", session_id, request_id, answer)

    def answer_questions(self, session_id: str, request_id: str, answers: Any) -> None:
        """Answer one waiting ``question_request``: a list, one answer per question."""
        if not isinstance(answers, list):
            raise UsageError("answers must be a list, one answer per question")
        self._settle("question", session_id, request_id, answers)

    def _settle(self, kind: str, session_id: str, request_id: str, value: Any) -> None:
        found = self._waiting.get(request_id)
        if found is None or found[0] != kind or found[2].done() or (found[1] is not None and not found[1].startswith(session_id.lower())):
            raise NotFound(f"no {kind} request {request_id} waiting in session {session_id}")
        found[2].set_result(value)


class HttpPerson:
    """Asks the clients of one turn. ``emit`` sends a record on the turn's stream and
    the event bus; ``session_id`` gives the turn's session once the run has one."""

    def __init__(self, asks: PendingAsks, emit: Callable[[dict[str, Any]], None], session_id: Callable[[], str | None], timeout: float) -> None:
        self.asks, self.emit, self.session_id, self.timeout = asks, emit, session_id, timeout

    async def approve(self, ask: PermissionAsk) -> str:
        session_id = self.session_id()
        request_id, future = self.asks.open("permission", session_id)
        self.emit(request_record(ask, request_id, session_id, self.timeout))
        try:
            answer = await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            answer = DENY
            reason = "timeout"
        else:
            reason = "answered"
        finally:
            self.asks.close(request_id)
        self.emit(protocol.record("permission_answered", request_id=request_id, session_id=session_id, answer=answer, reason=reason))
        return answer

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any] | None:
        session_id = self.session_id()
        request_id, future = self.asks.open("question", session_id)
        self.emit(protocol.record("question_request", request_id=request_id, session_id=session_id, questions=questions, timeout_s=self.timeout))
        try:
            answers = await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            answers = None
        finally:
            self.asks.close(request_id)
        self.emit(protocol.record("question_answered", request_id=request_id, session_id=session_id, answers=answers, reason="timeout" if answers is None else "answered"))
        return answers


def request_record(ask: PermissionAsk, request_id: str, session_id: str | None, timeout: float) -> dict[str, Any]:
    """The ``permission_request`` record: what the run wants to do, and what may be answered."""
    return protocol.record(
        "permission_request",
        request_id=request_id,
        session_id=session_id,
        kind=ask.kind,
        tool=ask.tool,
        input=ask.params,
        question=ask.question,
        subject=ask.subject,
        path=ask.path,
        patterns=list(ask.patterns),
        answers=[ONCE, ALWAYS, DENY] if ask.can_always else [ONCE, DENY],
        timeout_s=timeout,
    )
