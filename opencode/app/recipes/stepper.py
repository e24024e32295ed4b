"""Running one step: ``when``, ``foreach``, rendering, the step cache, attempts with
feedback (a schema or a check that failed goes back to the model), ``output``.

The step's records go to the run's queue tagged with ``recipe_step``; its own
``step_start``/``step_finish`` records (or ``step_plan`` in a dry run) frame them.
"""

from __future__ import annotations

import asyncio
import time

from ... import protocol
from ...errors import CheckFailed, LimitReached, OpencodeError
from . import actions, templates
from .results import StepResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .actions import Outcome
    from .model import Step
    from .runner import RecipeRun

#: Errors worth another attempt: a failed check or schema, a tool or model error.
#: Denials, budgets, usage and provider errors would only fail the same way again.
_RETRIED_STATUSES = (1, CheckFailed.exit_code)


class StepDriver:
    def __init__(self, run: RecipeRun, step: Step) -> None:
        self.run, self.step = run, step

    async def run_step(self) -> StepResult:
        step, run = self.step, self.run
        key = run.prefix + step.id
        context = run.context()
        if step.when is not None and not run.dry_run and not templates.evaluate(step.when, context, where=self._where("when")):
            run.emit(protocol.record("step_start", step=key, kind=step.kind, recipe=run.recipe.name))
            result = StepResult(status="skipped")
            run.emit(self._finish(key, result, None, 0, time.monotonic()))
            return result
        if step.foreach is None:
            return await self._one(key, context)
        items = step.foreach if isinstance(step.foreach, list) else templates.evaluate(step.foreach, context, where=self._where("foreach"))
        if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
            raise OpencodeError(f"{self._where('foreach')}: gives {type(items).__name__}, not a list")
        return await self._each(key, list(items), context)

    async def _each(self, key: str, items: list[Any], context: dict[str, Any]) -> StepResult:
        started = time.monotonic()
        if not self.run.dry_run:
            self.run.emit(protocol.record("step_start", step=key, kind=self.step.kind, recipe=self.run.recipe.name, items=len(items)))
        limit = asyncio.Semaphore(self.step.concurrency)

        async def one(index: int, item: Any) -> StepResult:
            async with limit:
                return await self._one(f"{key}[{index}]", {**context, "item": item, "index": index})

        results = list(await asyncio.gather(*(one(i, item) for i, item in enumerate(items))))
        if self.run.dry_run:
            from .results import PlannedStep

            return PlannedStep(self.step.id)  # type: ignore[return-value]
        result = StepResult.combined(results)
        error = next((OpencodeError(r.error or "failed") for r in results if not r.ok), None)
        self.run.emit(self._finish(key, result, error, 1, started))
        return result

    async def _one(self, key: str, context: dict[str, Any]) -> StepResult:
        run, step = self.run, self.step
        started = time.monotonic()
        rendered = self._render(context)
        if run.dry_run:
            return await self._plan(key, rendered)
        run.emit(protocol.record("step_start", step=key, kind=step.kind, recipe=run.recipe.name))
        keyed = run.cache_key(step, rendered)
        cached = run.cached(step, keyed)
        if cached is not None:
            run.emit(self._finish(key, cached, None, 0, started))
            return cached
        spent = run.meter.spent()
        if spent:
            outcome = actions.Outcome(error=spent)
        else:
            with run.step_scope(key):
                outcome = await self._attempts(key, rendered, context)
        result = outcome.result or StepResult()
        if outcome.error is None and rendered.get("output"):
            written = await actions.call_tool(run, "write", {"path": rendered["output"], "content": result.text}, self._emit(key), run.output_gate)
            outcome.error = written.error
            outcome.files |= written.files  # a deleted or edited output makes the step run again
        if outcome.error is not None:
            result = StepResult(result.text, result.json, "failed", error=outcome.error.message, exit_code=outcome.error.exit_code)
            run.failed(step, outcome.error)
        elif keyed is not None and (outcome.cacheable or step.inputs):
            run.store(keyed, result, outcome.files)
        run.emit(self._finish(key, result, outcome.error, outcome.attempts, started, outcome))
        return result

    async def _attempts(self, key: str, rendered: dict[str, Any], context: dict[str, Any]) -> Outcome:
        step, run = self.step, self.run
        feedback: str | None = None
        session: str | None = None
        outcome = actions.Outcome()
        for attempt in range(1, step.attempts + 1):
            outcome = await self._timed(self._act(key, rendered, feedback, session))
            run.meter.add(outcome)
            run.denials += outcome.denials
            session = outcome.session_id or session
            if outcome.error is None:
                outcome.error = await self._verify(key, outcome, context)
            outcome.attempts = attempt
            if outcome.error is None or outcome.error.exit_code not in _RETRIED_STATUSES or attempt == step.attempts:
                return outcome
            spent = run.meter.spent()
            if spent is not None:
                outcome.error = spent
                return outcome
            feedback = _feedback(outcome.error)
        return outcome

    async def _timed(self, work: Any) -> Outcome:
        if self.step.timeout is None:
            return await work
        try:
            async with asyncio.timeout(self.step.timeout):
                return await work
        except TimeoutError:
            return actions.Outcome(error=LimitReached(f"step {self.step.id!r} took longer than its timeout of {self.step.timeout:g} s"))

    async def _act(self, key: str, rendered: dict[str, Any], feedback: str | None, session: str | None) -> Outcome:
        step, run, emit = self.step, self.run, self._emit(key)
        if step.kind == "tool":
            return await actions.call_tool(run, step.action, rendered["with"], emit)
        if step.kind == "shell":
            return await actions.call_tool(run, "bash", {"command": rendered["command"]}, emit)
        model = step.model or run.model_name
        if step.kind == "ask":
            prompt = rendered["prompt"] + (f"\n\n{feedback}" if feedback else "")
            return await actions.ask(run, prompt, rendered.get("system"), model, run.schema(step), emit)
        if step.kind == "agent":
            task = feedback if (feedback and session) else rendered["task"] + (f"\n\n{feedback}" if feedback else "")
            return await actions.agent(run, step.action, task, model, session, emit)
        return await run.subrecipe(key, rendered["recipe"], rendered["with"])

    async def _verify(self, key: str, outcome: Outcome, context: dict[str, Any]) -> OpencodeError | None:
        """The step's schema (when the action did not check it itself) and checks,
        rendered in the step's context (a ``foreach`` item's ``item`` and ``index``)."""
        step, run = self.step, self.run
        result = outcome.result
        assert result is not None
        if step.schema is not None and step.kind != "ask":
            value, problem = actions.check_schema(result.text, run.schema(step) or {})
            if problem is not None:
                return CheckFailed(f"the output of step {step.id!r} does not match its schema: {problem}")
            result.json = value
        for check in step.checks:
            command = templates.render(check, {**run.context(), **_item(context)}, shell=True, where=self._where("checks"))
            ran = await actions.call_tool(run, "bash", {"command": command}, self._emit(key))
            if ran.error is not None:
                text = ran.result.text if ran.result is not None else ran.error.message
                return CheckFailed(f"the check `{command}` failed after step {step.id!r}", hint=actions._tail(text))
        return None

    def _render(self, context: dict[str, Any]) -> dict[str, Any]:
        step, where = self.step, self._where
        rendered: dict[str, Any] = {}
        if step.kind in ("tool", "run"):
            rendered["with"] = templates.render_value(step.with_, context, where("with"))
        if step.kind == "run":
            rendered["recipe"] = templates.render(step.action, context, where=where("run"))
        elif step.kind == "tool":
            rendered["tool"] = step.action
        elif step.kind == "shell":
            rendered["command"] = templates.render(step.action, context, shell=True, where=where("shell"))
        elif step.kind == "ask":
            rendered["prompt"] = templates.render(step.action, context, where=where("ask"))
        else:
            rendered["agent"] = step.action
            rendered["task"] = templates.render(step.task or "", context, where=where("task"))
        for name in ("system", "output"):
            value = getattr(step, name)
            if value is not None:
                rendered[name] = templates.render(value, context, where=where(name))
        return rendered

    async def _plan(self, key: str, rendered: dict[str, Any]) -> StepResult:
        """A dry run's step: what would run. Read-only tools run, so later steps render
        with their real output; nothing that writes, runs commands or calls a model."""
        step, run = self.step, self.run
        run.emit(protocol.record("step_plan", step=key, kind=step.kind, recipe=run.recipe.name, rendered=rendered, needs=sorted(run.deps[step.id])))
        if step.kind == "tool" and run.read_only_tool(step.action):
            outcome = await actions.call_tool(run, step.action, rendered["with"], self._emit(key))
            if outcome.result is not None:
                return outcome.result
        from .results import PlannedStep

        return PlannedStep(step.id)  # type: ignore[return-value]

    def _emit(self, key: str):
        emit = self.run.emit
        return lambda record: emit({**record, "recipe_step": key})

    def _finish(self, key: str, result: StepResult, error: OpencodeError | None, attempts: int, started: float, outcome: Outcome | None = None) -> dict[str, Any]:
        record = protocol.record(
            "step_finish", step=key, kind=self.step.kind, recipe=self.run.recipe.name, status=result.status,
            cached=result.status == "cached", attempts=attempts, duration_ms=int((time.monotonic() - started) * 1000),
            usage=outcome.usage if outcome else {}, cost_usd=outcome.cost_usd if outcome else 0.0, text=result.text,
        )
        if error is not None:
            record["error"] = {"code": error.code, "message": error.message + (f" ({error.hint})" if error.hint else "")}
        return record

    def _where(self, key: str) -> str:
        return f"{self.run.recipe.file}:{self.step.line}: step {self.step.id!r} {key}"


def _item(context: dict[str, Any]) -> dict[str, Any]:
    """The ``foreach`` names of a step's context, if it has them."""
    return {name: context[name] for name in ("item", "index") if name in context}


def _feedback(error: OpencodeError) -> str:
    detail = f"\n\n{error.hint}" if error.hint else ""
    return f"The previous attempt did not pass: {error.message}.{detail}\n\nCorrect this and try again."
