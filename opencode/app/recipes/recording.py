"""Record and replay a recipe run's model exchanges, so recipes are tested in CI with
no key and no network: ``--record FILE.jsonl`` keeps every answer a run got,
``--replay FILE.jsonl`` gives them back (the tools still run for real).

Both are ``ModelClient``s a ``Workspace`` is handed instead of litellm. A call is
known by the recipe step it belongs to (``STEP``, which the runner sets inside each
step's task), its ordinal among that step's calls, and a fingerprint of its prompt.
Steps run concurrently, so ordinals are counted per step key: a step's calls come in
the same order on every run even when the steps around it interleave differently.

The file is JSON Lines: a header ``{"type": "recording", "v": 1, "recipe": ...}``,
then one ``exchange`` line per finished call, appended and flushed as it finishes
(a run killed midway keeps what it got). It holds answers and fingerprints only:
never the request's messages, keys or headers, and the answers masked by ``redact``.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import threading
from pathlib import Path

from ...errors import ProviderError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable, Iterator

    from ...llm.types import Completion, Event, ModelClient, Request

#: The key of the recipe step a model call belongs to (``"review"``, ``"fix[2]"``);
#: "" outside any step.
STEP: contextvars.ContextVar[str] = contextvars.ContextVar("opencode_recipe_step", default="")
VERSION = 1
WINDOW = 128_000
PIECES = 3
HINT = "re-record it with: opencode run RECIPE --record FILE.jsonl"


@contextlib.contextmanager
def in_step(key: str) -> Iterator[None]:
    """Model calls made inside belong to step ``key`` (set in the step's own task)."""
    token = STEP.set(key)
    try:
        yield
    finally:
        STEP.reset(token)


def fingerprint(request: Request) -> str:
    """A short hash of the first user message's content: what the recipe controls.

    Not the system prompt (it holds the date and the working directory, which differ
    from one machine or day to the next), and not the later turns (they hold tool
    output, file listings and timings that differ too). The step key and the call
    ordinal tell a step's calls apart; this tells whether the question changed.
    """
    content = next((m.get("content") for m in request.messages if m.get("role") == "user"), "")
    text = content if isinstance(content, str) else json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class _Ordinals:
    """Numbers the calls of each step key 1, 2, 3... in the order they start."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def next(self, step: str) -> int:
        with self._lock:
            self._counts[step] = self._counts.get(step, 0) + 1
            return self._counts[step]


class RecordingClient:
    """Answers through ``inner`` and writes each finished exchange to ``path``.

    ``redact`` masks secrets in what is written (``workspace.redactor.text``); without
    it, strings shaped like API keys are still masked.
    """

    def __init__(self, inner: ModelClient, path: Path, *, recipe: str = "", redact: Callable[[str], str] | None = None) -> None:
        self.inner, self.path = inner, Path(path)
        self.redact = redact or _shape_mask()
        self._ordinals = _Ordinals()
        self._lock = threading.Lock()
        self._write({"type": "recording", "v": VERSION, "recipe": recipe}, fresh=True)

    async def stream(self, request: Request) -> AsyncIterator[Event]:
        step, call = STEP.get(), self._ordinals.next(STEP.get())
        async for event in self.inner.stream(request):
            if event[0] == "done":
                self._exchange(step, call, request, event[1], stream=True)
            yield event

    async def complete(self, request: Request) -> Completion:
        step, call = STEP.get(), self._ordinals.next(STEP.get())
        completion = await self.inner.complete(request)
        self._exchange(step, call, request, completion, stream=False)
        return completion

    def context_window(self, model: Any) -> int | None:
        return self.inner.context_window(model)

    def _exchange(self, step: str, call: int, request: Request, completion: Completion, *, stream: bool) -> None:
        line = {
            "type": "exchange", "step": step, "call": call, "prompt": fingerprint(request),
            "model": request.model.name, "completion": _masked(completion.to_cache(), self.redact), "stream": stream,
        }
        self._write(line)

    def _write(self, line: dict[str, Any], *, fresh: bool = False) -> None:
        """One whole line, flushed to the file now; the file is private (0600)."""
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if fresh else os.O_APPEND)
        with self._lock:
            try:
                fd = os.open(self.path, flags, 0o600)
            except OSError as exc:
                raise UsageError(f"cannot write the recording {self.path}: {exc.strerror}") from None
            try:
                if fresh:
                    os.fchmod(fd, 0o600)  # an older file kept its own mode
                os.write(fd, data)
            finally:
                os.close(fd)


class ReplayClient:
    """Answers model calls from a recording; a call it does not hold is a
    ``ProviderError`` (exit 4) naming the step and the call. It never reaches a
    provider, so the models it stands for need no key."""

    needs_credentials = False

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.recipe, self.exchanges = _load(self.path)
        self._ordinals = _Ordinals()

    async def stream(self, request: Request) -> AsyncIterator[Event]:
        completion = self._answer(request)
        for kind, text in (("reasoning", completion.reasoning), ("text", completion.text)):
            for piece in _cut(text):
                yield (kind, piece)
        yield ("done", completion)

    async def complete(self, request: Request) -> Completion:
        return self._answer(request)

    def context_window(self, model: Any) -> int | None:
        return WINDOW

    def _answer(self, request: Request) -> Completion:
        from ...llm.types import Completion

        step = STEP.get()
        call = self._ordinals.next(step)
        found = self.exchanges.get((step, call))
        where = f"step {step!r}, call {call}" if step else f"call {call} outside any step"
        if found is None:
            raise ProviderError(f"the recording {self.path} has no model call for {where}", hint=HINT)
        if found["prompt"] != fingerprint(request):
            raise ProviderError(f"the prompt of {where} differs from the recording {self.path}", hint=HINT)
        completion = Completion.from_cache(found["completion"])
        completion.model, completion.cached = request.model.name, False
        return completion


def _load(path: Path) -> tuple[str, dict[tuple[str, int], dict[str, Any]]]:
    """(the recipe's name, the exchanges by (step, call)); a bad file is a UsageError."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the recording {path}: {getattr(exc, 'strerror', None) or exc}") from None
    numbered = [(number, raw) for number, raw in enumerate(lines, 1) if raw.strip()]
    if not numbered:
        raise _bad(path, 1, "the file is empty")
    header = _parse(path, *numbered[0], header=True)
    exchanges: dict[tuple[str, int], dict[str, Any]] = {}
    for number, raw in numbered[1:]:
        line = _parse(path, number, raw)
        key = (line["step"], line["call"])
        if key in exchanges:
            raise _bad(path, number, f"a second exchange for step {key[0]!r}, call {key[1]}")
        exchanges[key] = line
    return str(header.get("recipe", "")), exchanges


def _parse(path: Path, number: int, raw: str, *, header: bool = False) -> dict[str, Any]:
    """One line, checked: the header first, exchanges after it."""
    from ...llm.types import Completion

    try:
        line = json.loads(raw)
    except ValueError as exc:
        raise _bad(path, number, f"not JSON ({exc})") from None
    if not isinstance(line, dict):
        raise _bad(path, number, "not a JSON object")
    if header:
        if line.get("type") != "recording" or line.get("v") != VERSION:
            raise _bad(path, number, f'not a recording header ({{"type": "recording", "v": {VERSION}}})')
        return line
    if line.get("type") != "exchange":
        raise _bad(path, number, f"expected an exchange, found type {line.get('type')!r}")
    if not isinstance(line.get("step"), str) or not isinstance(line.get("call"), int) or not isinstance(line.get("prompt"), str):
        raise _bad(path, number, "an exchange needs a string step, an integer call and a prompt fingerprint")
    try:
        Completion.from_cache(line["completion"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise _bad(path, number, f"the completion is malformed ({exc!r})") from None
    return line


def _bad(path: Path, number: int, problem: str) -> UsageError:
    return UsageError(f"{path}:{number}: malformed recording: {problem}", hint=HINT)


def _masked(value: Any, redact: Callable[[str], str]) -> Any:
    """``value`` with every string masked by ``redact``."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _masked(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, redact) for v in value]
    return value


def _shape_mask() -> Callable[[str], str]:
    """Masks strings shaped like API keys (no environment to take secrets from)."""
    from ...secrets import Redactor

    return Redactor({}).text


def _cut(text: str, pieces: int = PIECES) -> list[str]:
    if not text:
        return []
    size = -(-len(text) // pieces)
    return [text[i : i + size] for i in range(0, len(text), size)]


def attach(workspace: Any, record: Path | None, replay: Path | None, recipe: str) -> Callable[[], None] | None:
    """``--record``: the workspace's model calls are written down as they happen;
    ``--replay``: they are answered from such a file and no provider is called.
    Returns what puts the workspace's own client back (None: nothing to undo)."""
    if record is not None and replay is not None:
        raise UsageError("--record and --replay cannot be used together")
    if replay is not None:
        client: Any = ReplayClient(replay)
    elif record is not None:
        client = RecordingClient(workspace.model_client(), record, recipe=recipe, redact=workspace.redactor.text)
    else:
        return None
    previous = workspace.swap_model_client(client)
    return lambda: workspace.swap_model_client(previous)
