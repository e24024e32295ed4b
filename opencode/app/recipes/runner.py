"""Running a recipe: ``RecipeRun(workspace, recipe, options).records()``.

The run resolves the parameters, then starts each step once the steps it depends on
have finished (``analysis.dependencies``), up to ``[settings] concurrency`` at a time,
and yields their records as they come: ``recipe_start``, each step's framed records,
and a ``done`` that ends every run, however it ended (a failed step, a spent budget,
the recipe's ``timeout``, Ctrl-C). ``exit_code`` is then the run's exit status. A
failed step stops new steps from starting unless it has ``continue_on_error``.
"""

from __future__ import annotations

import asyncio
import time
from functools import cached_property
from pathlib import Path

from ... import protocol
from ...errors import CheckFailed, Interrupted, LimitReached, OpencodeError, PermissionDenied, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable, Iterable, Mapping

    from ...agent.seams import Person
    from ...protocol import PipedInput
    from ...tools.base import ToolContext
    from ..workspace import Workspace
    from .model import Param, Recipe, Step
    from .results import StepResult

from .analysis import check_graph
from .options import RecipeOptions

__all__ = ["RecipeOptions", "RecipeRun"]

_END = object()
#: Failures ``continue_on_error`` does not cover.
_NOT_THE_STEPS = (PermissionDenied, LimitReached, Interrupted)
_REASONS = {LimitReached: "budget", CheckFailed: "check", PermissionDenied: "denied", Interrupted: "interrupted"}


class RecipeRun:
    """One run of ``recipe``; ``person`` answers permission asks and questions (None:
    nobody); ``ask_param`` asks for a missing parameter (None: it is an error)."""

    def __init__(
        self,
        workspace: Workspace,
        recipe: Recipe,
        options: RecipeOptions | None = None,
        *,
        piped: PipedInput | None = None,
        person: Person | None = None,
        ask_param: Callable[[Param], Any] | None = None,
        parent: RecipeRun | None = None,
        prefix: str = "",
    ) -> None:
        self.options = options or RecipeOptions()
        if parent is None and self.options.answers is not None:
            from ...agent.people import PresetAnswers

            person = PresetAnswers(self.options.answers, person)
        self.workspace, self.recipe, self.piped, self.person = workspace, recipe, piped, person
        self.ask_param, self.parent, self.prefix = ask_param, parent, prefix
        self.exit_code = 0
        self.results: dict[str, StepResult] = {}
        self.failure: OpencodeError | None = None
        self.warnings: list[str] = []
        self.denials: list[dict[str, Any]] = []  # those of agent steps; the gate keeps its own
        self.params: dict[str, Any] = {}
        self.queue: asyncio.Queue[Any] | None = None

    # -- shared with the parent recipe --------------------------------------------

    @cached_property
    def meter(self):
        if self.parent is not None:
            return self.parent.meter
        from .meter import RecipeMeter

        settings = self.recipe.settings
        return RecipeMeter(self.options.max_turns or settings.max_turns, self.options.max_cost if self.options.max_cost is not None else settings.max_cost)

    @cached_property
    def permissions(self):
        if self.parent is not None:
            return self.parent.permissions
        from ..run import permissions_for

        workspace = self.workspace
        agent = workspace.agents.get(self.recipe.settings.agent or workspace.config.get("agent") or workspace.agents.default.name)
        return permissions_for(workspace, agent, self.paths, yes=self.options.yes, allow=self.options.allow, person=self.person)

    @cached_property
    def output_gate(self):
        """The gate for ``output`` files: the recipe declared them, so a read-only
        agent's settings do not forbid them, but the permission rules, the project's
        bounds and its protected paths still hold."""
        if self.parent is not None:
            return self.parent.output_gate
        from ..run import permissions_for

        return permissions_for(self.workspace, None, self.paths, yes=self.options.yes, allow=self.options.allow, person=self.person)

    @cached_property
    def paths(self):
        return self.parent.paths if self.parent is not None else self.workspace.path_policy()

    @cached_property
    def tool_context(self) -> ToolContext:
        return self.parent.tool_context if self.parent is not None else self.workspace.tool_context(paths=self.paths)

    @cached_property
    def step_cache(self):
        if self.parent is not None:
            return self.parent.step_cache
        enabled = self.options.cache if self.options.cache is not None else bool(self.workspace.config.get("recipes.cache", False))
        if not enabled or self.options.dry_run:
            return None
        from .stepcache import StepCache

        return StepCache(self.workspace.data_dir)

    @property
    def dry_run(self) -> bool:
        return self.options.dry_run

    @cached_property
    def model_name(self) -> str | None:
        return self.options.model or self.recipe.settings.model

    @cached_property
    def deps(self) -> dict[str, set[str]]:
        from .analysis import dependencies

        return dependencies(self.recipe)

    # -- the run -------------------------------------------------------------------

    async def records(self) -> AsyncIterator[dict[str, Any]]:
        """The run's records; the workspace's model client is its own again after."""
        self._restore: Callable[[], None] | None = None
        try:
            async for record in self._records():
                yield record
        finally:
            if self._restore is not None:
                self._restore()

    async def _records(self) -> AsyncIterator[dict[str, Any]]:
        started = time.monotonic()
        try:
            from .recording import attach

            self._restore = attach(self.workspace, self.options.record, self.options.replay, self.recipe.name)
            self.params = self._resolve_params()
            check_graph(self.recipe, self.deps)
        except OpencodeError as error:
            self.exit_code = error.exit_code
            yield protocol.error_record(error.to_dict())
            yield self._done("error", "", started)
            return
        yield protocol.record("recipe_start", recipe=self.recipe.name, file=str(self.recipe.file), steps=[s.id for s in self.recipe.steps], params=self.params, dry_run=self.dry_run)
        timeout = self.options.timeout or self.recipe.settings.timeout
        try:
            async with asyncio.timeout(timeout):
                async for record in self._stream():
                    yield record
        except TimeoutError:
            self._fail(LimitReached(f"the recipe took longer than its timeout of {timeout:g} s"))
        except asyncio.CancelledError:
            self._fail(Interrupted("interrupted"))
        text = ""
        if self.failure is None:
            try:
                text = self.output_text()
            except OpencodeError as error:
                self._fail(error)
        if self.failure is not None:
            yield protocol.error_record(self.failure.to_dict())
        reason = "done" if self.failure is None else next((n for c, n in _REASONS.items() if isinstance(self.failure, c)), "error")
        yield self._done(reason, text, started)

    async def _stream(self) -> AsyncIterator[dict[str, Any]]:
        """The records of every step as they arrive, while ``_schedule`` runs them."""
        self.queue = asyncio.Queue()
        scheduler = asyncio.create_task(self._schedule())
        try:
            while True:
                item = await self.queue.get()
                if item is _END:
                    break
                yield item
            scheduler.result()
        finally:
            if not scheduler.done():
                scheduler.cancel()
                await asyncio.gather(scheduler, return_exceptions=True)

    async def _schedule(self) -> None:
        assert self.queue is not None
        try:
            await self.run_steps()
        except OpencodeError as error:
            self._fail(error)
        finally:
            self.queue.put_nowait(_END)

    async def run_steps(self) -> None:
        """Start each step when its dependencies are done, until all are, or one failed."""
        from .stepper import StepDriver

        pending = list(self.recipe.steps)
        running: dict[asyncio.Task[Any], Step] = {}
        limit = max(1, self.recipe.settings.concurrency)
        try:
            while pending or running:
                if self.failure is None:
                    for step in [s for s in pending if self.deps[s.id] <= set(self.results)]:
                        if len(running) >= limit:
                            break
                        pending.remove(step)
                        running[asyncio.create_task(StepDriver(self, step).run_step())] = step
                if not running:
                    break
                finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in finished:
                    step = running.pop(task)
                    error = task.exception()
                    if error is not None:
                        if not isinstance(error, OpencodeError):
                            raise error
                        self._fail(error)
                    self.results[step.id] = task.result() if error is None else _failed(error)
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    # -- what steps use --------------------------------------------------------------

    def emit(self, record: dict[str, Any]) -> None:
        if self.parent is not None:
            self.parent.emit(record)
        else:
            assert self.queue is not None
            self.queue.put_nowait(record)

    def context(self) -> dict[str, Any]:
        """What templates see; see ``templates``."""
        env = {name: self.workspace.env.get(name, "") for name in self.recipe.env}
        stdin = self.piped.text if self.piped is not None and not self.piped.is_empty else ""
        from .results import Steps

        return {"params": self.params, "steps": Steps(self.results), "stdin": stdin, "env": env, "recipe": {"name": self.recipe.name}}

    def failed(self, step: Step, error: OpencodeError) -> None:
        """A step failed: the recipe stops, unless the step may fail. A denial, a spent
        budget or Ctrl-C stops it anyway: those are no failure of the step's own."""
        if step.continue_on_error and not isinstance(error, _NOT_THE_STEPS):
            self.warnings.append(f"step {self.prefix + step.id!r} failed and the recipe went on: {error.message}")
        else:
            self._fail(error)

    def schema(self, step: Step) -> dict[str, Any] | None:
        from .actions import load_schema

        return None if step.schema is None else load_schema(step.schema, self.recipe.file)

    def read_only_tool(self, name: str) -> bool:
        try:
            spec = self.workspace.registry.get(name)
        except OpencodeError:
            return False
        return spec.permission == "read" and not spec.writes and spec.subject_kind != "command"

    async def subrecipe(self, key: str, reference: str, given: dict[str, Any]):
        """A ``run`` step: the other recipe, with its own parameters, on this budget."""
        from .actions import Outcome
        from .find import load_named
        from .results import StepResult

        outcome = Outcome()
        try:
            recipe = load_named(self.workspace, reference, relative_to=self.recipe.file.parent)
            chain = self._chain()
            if recipe.file.resolve() in chain:
                raise UsageError(f"step {key!r} runs {reference}, which is already running: recipes may not call themselves")
        except OpencodeError as error:
            outcome.error = error
            return outcome
        import copy

        options = copy.copy(self.options)  # the same approvals, budgets and cache
        options.params = given
        child = RecipeRun(self.workspace, recipe, options, piped=self.piped, person=self.person, parent=self, prefix=f"{key}/")
        try:
            child.params = child._resolve_params()
            check_graph(child.recipe, child.deps)
            await child.run_steps()
            text = child.output_text() if child.failure is None else ""
        except OpencodeError as error:
            child._fail(error)
            text = ""
        outcome.result = StepResult(text)
        outcome.error = child.failure
        self.warnings += child.warnings
        self.denials += child.denials
        return outcome

    def _chain(self) -> set[Path]:
        run: RecipeRun | None = self
        found = set()
        while run is not None:
            found.add(run.recipe.file.resolve())
            run = run.parent
        return found

    # -- the step cache --------------------------------------------------------------

    def cache_key(self, step: Step, rendered: dict[str, Any]) -> tuple[str, list[Path]] | None:
        """(the step's cache key, the files its ``inputs`` match), or None: not cached."""
        cache = self.step_cache
        if cache is None or not step.cache:
            return None
        from .stepcache import step_key

        settings = self.recipe.settings
        inputs: list[Path] = []
        for pattern in step.inputs:
            inputs += sorted(p for p in self.workspace.root.glob(pattern) if p.is_file())
        model = step.model or self.model_name or self.workspace.config.get("model")
        key = step_key(step.kind, rendered, model, settings.agent, settings.temperature, step.schema, step.checks, [str(p) for p in inputs])
        return key, inputs

    def cached(self, step: Step, keyed: tuple[str, list[Path]] | None) -> StepResult | None:
        if keyed is None or step.id in self.options.refresh:
            return None
        from .results import StepResult

        data = self.step_cache.get(keyed[0], self.workspace.root)
        return StepResult.from_cache(data) if data is not None else None

    def store(self, keyed: tuple[str, list[Path]], result: StepResult, files: Iterable[Path]) -> None:
        self.step_cache.put(keyed[0], result.to_cache(), {*files, *keyed[1]}, self.workspace.root)

    # -- endings ---------------------------------------------------------------------

    def output_text(self) -> str:
        from .templates import render

        recipe = self.recipe
        if recipe.outputs is not None:
            return render(recipe.outputs, self.context(), where=f"{recipe.file}:{recipe.outputs_line}: [outputs] text")
        last = next((self.results[s.id] for s in reversed(recipe.steps) if s.id in self.results and self.results[s.id].status != "skipped"), None)
        return str(last.text) if last is not None else ""

    def _fail(self, error: OpencodeError) -> None:
        if self.failure is None:
            self.failure = error
            self.exit_code = error.exit_code

    def _done(self, reason: str, text: str, started: float) -> dict[str, Any]:
        meter = self.meter
        denials = [*(self.permissions.denials if "permissions" in self.__dict__ else []), *self.denials]
        record = protocol.done_record(
            reason, usage=meter.usage, cost_usd=meter.cost_usd, duration_ms=int((time.monotonic() - started) * 1000),
            turns=meter.turns, denials=denials, warnings=[*self.workspace.warnings, *self.warnings], text=text,
        )
        record["recipe"] = self.recipe.name
        return record

    def step_scope(self, key: str):
        """The context a step's model calls run in: its key, for a recording."""
        options = self.parent.options if self.parent is not None else self.options
        if options.record is None and options.replay is None:
            from contextlib import nullcontext

            return nullcontext()
        from .recording import in_step

        return in_step(key)

    def _resolve_params(self) -> dict[str, Any]:
        from .params import resolve

        def read_file(path: str) -> str:
            outcome = self.workspace.run_tool("read", {"path": path})
            outcome.raise_error()
            assert outcome.result is not None
            return outcome.result.text or ""

        return resolve(self.recipe, self.options.params, read_file=read_file, ask=self.ask_param)


def _failed(error: OpencodeError) -> StepResult:
    from .results import StepResult

    return StepResult(status="failed", error=error.message, exit_code=error.exit_code)
