"""What each kind of step does, once its templates are rendered.

``tool`` and ``shell`` steps are tool calls through the one execution path and the
recipe's permission gate (a shell step is the ``bash`` tool, judged like any command an
agent runs); ``ask`` is the ``ask`` service without a session; ``agent`` is an
``AgentTask``; ``run`` a nested recipe. Each returns an ``Outcome`` and sends the
records it makes to ``emit``; none raises for a failure of the step itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import CheckFailed, LimitReached, OpencodeError, PermissionDenied, ProviderError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from .results import StepResult
    from .runner import RecipeRun

    Emit = Callable[[dict[str, Any]], None]

#: The exit status of an agent run, as the error that stops a recipe step.
_BY_STATUS: dict[int, type[OpencodeError]] = {2: UsageError, 3: PermissionDenied, 4: ProviderError, 5: LimitReached, 6: CheckFailed}


class Outcome:
    """One attempt of a step: its result or error, what it cost, the files it named."""

    def __init__(self, result: StepResult | None = None, error: OpencodeError | None = None) -> None:
        self.result, self.error = result, error
        self.usage: dict[str, int] = {}
        self.cost_usd: float | None = 0.0
        self.turns = 0
        self.files: set[Path] = set()
        self.cacheable = True
        self.session_id: str | None = None
        self.denials: list[dict[str, Any]] = []
        self.attempts = 1

    def add_usage(self, usage: dict[str, Any] | None, cost: float | None) -> None:
        from ...llm.types import add_cost

        for key, value in (usage or {}).items():
            if isinstance(value, int):
                self.usage[key] = self.usage.get(key, 0) + value
        self.cost_usd = add_cost(self.cost_usd, cost)


async def call_tool(run: RecipeRun, name: str, params: dict[str, Any], emit: Emit, gate: Any = None) -> Outcome:
    """A tool step (and a shell step, as ``bash``): one call through the gate (by
    default the recipe's)."""
    from ...tools.execute import execute
    from .results import StepResult

    gate = gate if gate is not None else run.permissions
    outcome_of_call = await execute(run.workspace.registry, name, params, run.tool_context, gate=gate)
    record = outcome_of_call.record()
    emit(record)
    outcome = Outcome()
    _note_files(run, name, params, outcome)
    if not outcome_of_call.ok:
        outcome.error = outcome_of_call.error
        return outcome
    assert outcome_of_call.result is not None
    text = outcome_of_call.result.text if outcome_of_call.result.text is not None else outcome_of_call.result.output
    metadata = outcome_of_call.result.metadata
    exit_code = metadata.get("exit_code") if isinstance(metadata.get("exit_code"), int) else 0
    outcome.result = StepResult(text, metadata, exit_code=exit_code)
    if exit_code:
        outcome.error = OpencodeError(f"the command exited with status {exit_code}", hint=_tail(text))
    return outcome


def _note_files(run: RecipeRun, name: str, params: dict[str, Any], outcome: Outcome) -> None:
    """The files a call names, for the step cache; a command's reads are unknowable."""
    try:
        spec = run.workspace.registry.get(name)
    except OpencodeError:
        return
    if spec.subject_kind == "command":
        outcome.cacheable = False
        return
    for param in spec.path_params:
        value = params.get(param)
        if isinstance(value, str) and value:
            outcome.files.add(run.workspace.cwd / value)


async def ask(run: RecipeRun, prompt: str, system: str | None, model: str | None, schema: dict[str, Any] | None, emit: Emit) -> Outcome:
    from ..ask import AskOptions, ask as ask_model
    from .results import StepResult

    options = AskOptions(
        prompt, system=system, model=model, temperature=run.recipe.settings.temperature, schema=schema, stream=True, cache=False, save=False
    )
    outcome = Outcome()
    try:
        async for record in ask_model(run.workspace, options):
            emit(record)
            if record["type"] == "message":
                outcome.add_usage(record.get("usage"), record.get("cost_usd"))
                outcome.result = StepResult(record["text"], record.get("data", _maybe_json(record["text"])))
    except OpencodeError as error:
        outcome.error = error
    return outcome


async def agent(run: RecipeRun, name: str, task: str, model: str | None, session_id: str | None, emit: Emit) -> Outcome:
    """A full agent run; a retry continues the same session with the feedback."""
    from ..run import AgentTask, TaskOptions
    from .results import StepResult

    budget = run.meter.remaining()
    options = TaskOptions(
        agent=name, model=model, max_turns=budget.turns, max_cost=budget.cost, yes=run.options.yes,
        allow=run.options.allow, session=session_id,  # the person answers questions
    )
    agent_task = AgentTask(run.workspace, task, options, person=run.person)
    outcome = Outcome()
    done: dict[str, Any] = {}
    errors: list[str] = []
    async for record in agent_task.records():
        if record["type"] == "done":
            done = record
            continue
        if record["type"] == "error":
            errors.append(record["error"]["message"])
        if record["type"] == "tool_result":
            _note_files(run, record["tool"], record.get("input") or {}, outcome)
        emit(record)
    outcome.add_usage(done.get("usage"), done.get("cost_usd"))
    outcome.turns = int(done.get("turns") or 0)
    outcome.session_id = done.get("session_id")
    outcome.denials = list(done.get("denials") or [])
    text = done.get("text") or ""
    outcome.result = StepResult(text, _maybe_json(text), exit_code=agent_task.exit_code)
    if agent_task.exit_code:
        kind = _BY_STATUS.get(agent_task.exit_code, OpencodeError)
        denied = "; ".join(d.get("reason", "") for d in done.get("denials", []))
        outcome.error = kind(errors[-1] if errors else denied or f"the {name} agent stopped: {done.get('reason', 'error')}")
    return outcome


def check_schema(text: str, schema: dict[str, Any]) -> tuple[Any, str | None]:
    """(value, None) when ``text`` is JSON matching ``schema``, else (None, the problem)."""
    from ...llm.oneshot import parse_json_reply

    return parse_json_reply(text, schema)


def load_schema(value: dict[str, Any] | str, recipe_file: Path) -> dict[str, Any]:
    """A step's ``schema``: inline, or a JSON file next to the recipe."""
    if isinstance(value, dict):
        return value
    path = (recipe_file.parent / value).resolve()
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot load the schema {value}: {getattr(exc, 'strerror', None) or exc}") from None


def _maybe_json(text: str) -> Any:
    """An answer that is plain JSON, parsed; anything else None."""
    body = text.strip()
    if not body or body[0] not in "[{":
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _tail(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else "..." + text[-limit:]
