"""Asking a model one question: ``opencode ask``, and later recipe ask steps, chat's
quick questions and the server's one-shot answers.

``ask`` yields the answer's records: ``text_delta`` pieces while a streamed answer
arrives (and a ``retry`` record before a retry), then the ``message``. The question and
the answer are saved to a session, new or continued, so ``ask -c`` can follow up.
Failures are raised (``OpencodeError``) for the face to report; an ask cancelled
mid-stream first yields what had arrived, as a ``message`` marked ``interrupted``.
"""

from __future__ import annotations

import asyncio
import json

from .. import protocol
from ..errors import Interrupted, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

    from ..llm.types import Completion, Request
    from ..protocol import PipedInput
    from ..session import Session
    from .workspace import Workspace


class AskOptions:
    """One question. ``schema`` (a JSON Schema, already loaded) asks for JSON that
    matches it; ``cache`` None means as ``[cache] enabled`` says."""

    def __init__(
        self,
        prompt: str = "",
        *,
        files: tuple[str, ...] | list[str] = (),
        system: str | None = None,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        schema: dict[str, Any] | None = None,
        stream: bool = False,
        cache: bool | None = None,
        continue_last: bool = False,
        session_id: str | None = None,
        save: bool = True,
    ) -> None:
        self.prompt, self.files, self.system, self.model = prompt, tuple(files), system, model
        self.temperature, self.max_tokens, self.schema = temperature, max_tokens, schema
        self.stream, self.cache = stream and schema is None, cache
        self.continue_last, self.session_id = continue_last, session_id
        self.save = save  # False: a recipe's ask step, whose record is the recipe's output


async def ask(workspace: Workspace, options: AskOptions, piped: PipedInput | None = None) -> AsyncIterator[dict[str, Any]]:
    """The answer's records (see the module docstring). Continuing a session holds
    its lock from reading the history to saving the answer."""
    session_id = _continued(workspace, options)
    if session_id is None:
        async for record in _ask(workspace, options, piped):
            yield record
        return
    async with workspace.sessions.locked(session_id):
        async for record in _ask(workspace, options, piped):
            yield record


def _continued(workspace: Workspace, options: AskOptions) -> str | None:
    """The full id of the session an ask continues, if it continues one."""
    if not options.save:
        return None
    if options.session_id:
        return workspace.sessions.resolve(options.session_id)[0]
    if options.continue_last:
        latest = workspace.sessions.latest()
        return latest.id if latest is not None else None
    return None


async def _ask(workspace: Workspace, options: AskOptions, piped: PipedInput | None = None) -> AsyncIterator[dict[str, Any]]:
    from ..llm.types import Request
    from .prompt import user_message

    content = user_message(options.prompt, piped, [_attach(workspace, path) for path in options.files], workspace.registry.describe)
    if not content.strip():
        raise UsageError("nothing to ask: give a prompt, pipe something in, or attach files with -f")
    model = workspace.model(options.model)
    conversation = _Conversation(workspace, options, model.name) if options.save else None
    messages = conversation.messages(options.system, content) if conversation else _fresh(options.system, content)
    request = Request(model, messages, temperature=options.temperature, max_tokens=options.max_tokens)
    data = None
    if options.schema is not None:
        completion, data = await _answer_json(workspace, request, options)
    elif options.stream:
        streamed: list[Completion] = []
        async for record in _stream(workspace, request, streamed):
            yield record
        completion = streamed[0]
    else:
        from ..llm.oneshot import answer

        completion = await answer(workspace.model_client(), request, workspace.response_cache(options.cache))
    if conversation is not None:
        conversation.record(content, completion)
    yield _message(completion, conversation.session.id if conversation else None, data)


def _fresh(system: str | None, content: str) -> list[dict[str, Any]]:
    return [*([{"role": "system", "content": system}] if system else []), {"role": "user", "content": content}]


async def _stream(workspace: Workspace, request: Request, done: list[Completion]) -> AsyncIterator[dict[str, Any]]:
    """The records of a streamed answer; the completion is put in ``done``."""
    pieces: list[str] = []
    try:
        async for kind, value in workspace.model_client().stream(request):
            if kind == "text":
                pieces.append(value)
                yield protocol.record("text_delta", text=value)
            elif kind == "retry":
                yield protocol.record("retry", **value)
            elif kind == "done":
                done.append(value)
    except (asyncio.CancelledError, KeyboardInterrupt):
        if pieces:
            yield protocol.record("message", role="assistant", text="".join(pieces), interrupted=True, session_id=None)
        raise Interrupted("interrupted; the answer so far was kept") from None


async def _answer_json(workspace: Workspace, request: Request, options: AskOptions) -> tuple[Completion, Any]:
    from ..llm.oneshot import answer_json

    assert options.schema is not None
    completion, value = await answer_json(workspace.model_client(), request, options.schema, workspace.response_cache(options.cache))
    completion.text = json.dumps(value, ensure_ascii=False)
    return completion, value


def _message(completion: Completion, session_id: str | None, data: Any = None) -> dict[str, Any]:
    record = protocol.record(
        "message",
        role="assistant",
        text=completion.text,
        model=completion.model,
        usage=completion.usage.to_dict(),
        cost_usd=completion.cost_usd,
        duration_ms=completion.duration_ms,
        session_id=session_id,
        cached=completion.cached,
    )
    if data is not None:
        record["data"] = data
    return record


def _attach(workspace: Workspace, path: str) -> tuple[str, str]:
    """A file for the question: its exact text, read by the ``read`` tool (so the path
    rules and the errors are the tool's own)."""
    outcome = workspace.run_tool("read", {"path": path})
    outcome.raise_error()
    assert outcome.result is not None
    return outcome.result.metadata["path"], outcome.result.text or ""


class _Conversation:
    """The session an ask belongs to: a new one, or the one it continues."""

    def __init__(self, workspace: Workspace, options: AskOptions, model: str) -> None:
        from .sessions import pick_session

        self.store = workspace.sessions
        found = pick_session(self.store, options.session_id, options.continue_last, hint='start one with: opencode ask "..."')
        if found is None:
            from ..session import title_from_prompt

            found = self.store.create(title=title_from_prompt(options.prompt), agent="ask", model=model)
        self.session: Session = found

    def messages(self, system: str | None, content: str) -> list[dict[str, Any]]:
        from ..agent import wire

        history = wire.build(system or "", self.session.messages, compaction=self.session.compaction)
        if history and history[-1]["role"] == "user" and history[-1]["content"] == wire.CONTINUE:
            history.pop()
        return [*history, {"role": "user", "content": content}]

    def record(self, content: str, completion: Completion) -> None:
        from ..session import text_part

        self.session.add_message("user", [text_part(content)])
        message = self.session.add_message("assistant", [text_part(completion.text)], model=completion.model)
        message["usage"] = completion.usage.to_dict()
        message["cost_usd"] = completion.cost_usd
        self.session.add_usage(completion.usage.to_dict(), completion.cost_usd)
        self.store.save(self.session)
