"""The agent loop: a model and tools, turn after turn, yielding protocol records.

One turn: send the conversation, stream the answer (``text_delta``), and if the model
asked for tools, check each call's permission, run the allowed ones (independent
read-only calls at the same time), and feed the results back. The run ends when the
model answers without tool calls, a budget runs out, the same call repeats three times
(a doom loop), or an error stops it; the last record is always ``done``.

The loop knows nothing of terminals: asking a person is a callback, output is records,
and every finished part is saved to the session before the next begins, so a killed
process loses at most the part in flight.
"""

from __future__ import annotations

import asyncio
import json
import time

from .. import protocol
from ..errors import LimitReached, OpencodeError, PermissionDenied, UsageError
from ..llm import client
from ..llm.types import Request, Usage
from ..tools.runner import call_tool
from . import compaction, transcript

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Awaitable, Callable

DOOM_REPEATS = 3
MAX_SUBAGENT_DEPTH = 2


class Budget:
    """Limits of one run: turns, dollars and seconds (None: no limit)."""

    def __init__(self, max_turns: int | None = None, max_cost: float | None = None, timeout: float | None = None) -> None:
        self.max_turns, self.max_cost, self.timeout = max_turns, max_cost, timeout


class StopRun(Exception):
    """Ends a run early with a reason for the ``done`` record and an exit status."""

    def __init__(self, reason: str, error: OpencodeError | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


class AgentLoop:
    def __init__(
        self,
        *,
        agent: Any,
        agents: Any,
        model: Any,
        settings: client.Settings,
        registry: Any,
        ctx: Any,
        session: Any,
        store: Any,
        permissions: Any,
        system_prompt: Callable[[Any], str],
        budget: Budget | None = None,
        snapshots: Any = None,
        asker: Callable[[str, dict[str, Any], str], Awaitable[str]] | None = None,
        depth: int = 0,
    ) -> None:
        self.depth = depth
        self.agent = agent
        self.agents = agents
        self.model = model
        self.settings = settings
        self.registry = registry
        self.ctx = ctx
        self.session = session
        self.store = store
        self.permissions = permissions
        self.system_prompt = system_prompt
        self.budget = budget or Budget()
        self.snapshots = snapshots
        self.asker = asker
        self.usage = Usage()
        self.cost_usd: float | None = 0.0
        self.turns = 0
        self.started = time.monotonic()
        self.recent_calls: list[str] = []
        self.exit_code = 0
        self.final_text = ""
        self.warnings: list[str] = []
        self._primary = agent
        self._schemas: tuple[Any, list[dict[str, Any]]] = (None, [])
        ctx.session_id = session.id
        ctx.agent = agent.name
        if ctx.read_files is None:
            ctx.read_files = {}
        ctx.extras.update(
            execute_tool=self.execute_for_batch,
            run_subagent=self.run_subagent,
            switch_agent=self.switch_agent,
        )

    # -- the run -----------------------------------------------------------

    async def run(self, prompt: str) -> AsyncIterator[dict[str, Any]]:
        """The records of one run: ``session`` first, ``done`` last, whatever happens
        in between (an unexpected exception too, since scripts rely on that)."""
        self.session.add_message("user", [{"type": "text", "text": prompt}], agent=self.agent.name)
        # After the prompt is in: a new session's title comes from it.
        yield protocol.record("session", session_id=self.session.id, agent=self.agent.name, model=self.model.name, title=self.session.title)
        reason = "completed"
        try:
            self.store.save(self.session)
            while True:
                self._check_budget_before_turn()
                self.turns += 1
                yield protocol.record("step_start", step=self.turns, agent=self.agent.name)
                async for record in self._turn():
                    yield record
                if self._turn_done:
                    break
        except StopRun as stop:
            reason = stop.reason
            if stop.error is not None:
                self.exit_code = stop.error.exit_code
                yield protocol.error_record(stop.error.to_dict())
        except OpencodeError as error:
            reason = "error"
            self.exit_code = error.exit_code
            yield protocol.error_record(error.to_dict())
        except Exception as exc:  # noqa: BLE001 - the contract: a run always ends with done
            reason = "error"
            self.exit_code = 1
            yield protocol.error_record({"code": "internal", "message": f"{type(exc).__name__}: {exc}"})
        finally:
            self._last_save()
        yield self.done_record(reason)

    def _last_save(self) -> None:
        """Save at the end of a run; a failure here (the disk, the folder) must not
        replace the run's own outcome, so it becomes a warning in ``done``."""
        try:
            self.store.save(self.session)
        except OSError as exc:
            self.warnings.append(f"the session could not be saved: {exc}")

    def done_record(self, reason: str) -> dict[str, Any]:
        return protocol.record(
            "done",
            reason=reason,
            session_id=self.session.id,
            usage=self.usage.to_dict(),
            cost_usd=self.cost_usd,
            duration_ms=int((time.monotonic() - self.started) * 1000),
            turns=self.turns,
            denials=list(self.permissions.denials),
            warnings=list(self.warnings),
            text=self.final_text,
        )

    def stop_records(self, reason: str, error: OpencodeError) -> list[dict[str, Any]]:
        """The last records of a run stopped from outside (a timeout, Ctrl-C)."""
        self.exit_code = error.exit_code
        self._last_save()
        return [protocol.error_record(error.to_dict()), self.done_record(reason)]

    def _check_budget_before_turn(self) -> None:
        budget = self.budget
        if budget.max_turns is not None and self.turns >= budget.max_turns:
            raise StopRun("max_turns", LimitReached(f"stopped after {self.turns} turns (--max-turns {budget.max_turns})"))
        if budget.max_cost is not None and self.cost_usd is not None and self.cost_usd >= budget.max_cost:
            raise StopRun("max_cost", LimitReached(f"stopped at ${self.cost_usd:.4f} (--max-cost {budget.max_cost})"))

    # -- one turn ----------------------------------------------------------

    async def _turn(self) -> AsyncIterator[dict[str, Any]]:
        self._turn_done = False
        wire = await self._fitting_messages()
        request = Request(self.model, wire, tools=self._tool_schemas() or None, temperature=getattr(self.agent, "temperature", None))
        message = self.session.add_message("assistant", [], agent=self.agent.name, model=self.model.name)
        completion = None
        async for kind, value in client.stream(request, self.settings):
            if kind == "text":
                yield protocol.record("text_delta", text=value)
            elif kind == "done":
                completion = value
        assert completion is not None
        if completion.reasoning:
            self.session.add_part(message, {"type": "reasoning", "text": completion.reasoning})
        if completion.text:
            self.session.add_part(message, {"type": "text", "text": completion.text})
        self._account(message, completion)
        if message["parts"] or not completion.tool_calls:
            # A reply of tool calls alone has no finished part yet: the save after its
            # first tool result writes it, usage included (one whole-session save fewer a turn).
            self.store.save(self.session)
        if not completion.tool_calls:
            self._turn_done = True
            self.final_text = completion.text
            yield protocol.record(
                "message",
                role="assistant",
                text=completion.text,
                model=self.model.name,
                usage=self.usage.to_dict(),
                cost_usd=self.cost_usd,
                duration_ms=int((time.monotonic() - self.started) * 1000),
                session_id=self.session.id,
            )
            yield self._step_finish(completion)
            return
        async for record in self._run_calls(message, completion.tool_calls):
            yield record
        yield self._step_finish(completion)

    def _step_finish(self, completion: Any) -> dict[str, Any]:
        return protocol.record(
            "step_finish",
            step=self.turns,
            usage=completion.usage.to_dict(),
            cost_usd=completion.cost_usd,
            finish_reason=completion.finish_reason,
        )

    def _account(self, message: dict[str, Any], completion: Any) -> None:
        self.usage = self.usage + completion.usage
        if self.cost_usd is not None:
            self.cost_usd = None if completion.cost_usd is None else round(self.cost_usd + completion.cost_usd, 8)
        message["usage"] = completion.usage.to_dict()
        message["cost_usd"] = completion.cost_usd
        self.session.add_usage(completion.usage.to_dict(), completion.cost_usd)

    def _tool_schemas(self) -> list[dict[str, Any]]:
        """The function schemas offered to the current agent, built once per agent."""
        key = (self.agent.name, tuple(self.registry.names()))
        if self._schemas[0] != key:
            self._schemas = (key, [self.registry.get(name).function_schema() for name in self._tool_names()])
        return self._schemas[1]

    def _tool_names(self) -> list[str]:
        names = []
        for name in self.registry.names():
            spec = self.registry.get(name)
            if self.agent.allows_tool(name, spec.permission) and not (getattr(self.agent, "read_only", False) and spec.permission == "write"):
                names.append(name)
        return names

    # -- tools ---------------------------------------------------------------

    async def _run_calls(self, message: dict[str, Any], calls: list[Any]) -> AsyncIterator[dict[str, Any]]:
        prepared = []
        for call in calls:
            try:
                params = call.parsed()
                if not isinstance(params, dict):
                    raise ValueError("arguments must be a JSON object")
            except ValueError as exc:
                params = {"_raw": call.arguments}
                prepared.append((call, params, f"the arguments are not valid JSON ({exc}); send a JSON object"))
                continue
            prepared.append((call, params, None))
        for call, params, problem in prepared:
            yield protocol.record("tool_call", call_id=call.id, tool=call.name, input=params)
        await self._check_doom_loop(prepared)
        snapshot_taken = False
        index = 0
        while index < len(prepared):
            group = [prepared[index]]
            if self._concurrent(prepared[index]):
                while index + len(group) < len(prepared) and self._concurrent(prepared[index + len(group)]):
                    group.append(prepared[index + len(group)])
            if not snapshot_taken and any(self._is_write(call.name, params) for call, params, _ in group):
                snapshot_taken = await self._snapshot(message)
            parts = [self.session.add_part(message, {"type": "tool", "call_id": c.id, "tool": c.name, "input": p, "status": "running"}) for c, p, _ in group]
            results = await asyncio.gather(*(self._execute(c, p, problem) for c, p, problem in group))
            # The group finished together: one save keeps every result of it.
            for part, (status, output, metadata, error) in zip(parts, results):
                self.session.update_part(part, status=status, output=output, metadata=metadata, error=error)
            self.store.save(self.session)
            for part, (status, output, metadata, error) in zip(parts, results):
                record = protocol.tool_result(part["tool"], part["input"], output, metadata=metadata, call_id=part["call_id"])
                record["status"] = status
                if error:
                    record["error"] = error
                yield record
            index += len(group)

    def _concurrent(self, item: tuple[Any, dict[str, Any], str | None]) -> bool:
        call, _, problem = item
        if problem is not None or call.name not in self.registry.names():
            return False
        spec = self.registry.get(call.name)
        return spec.permission == "read" and call.name not in ("task", "question", "plan", "batch")

    def _is_write(self, name: str, params: dict[str, Any] | None = None) -> bool:
        """Whether a call may change files (so the turn needs an undo point first); a
        ``batch`` does when one of its calls does."""
        if name == "batch" and isinstance(params, dict) and isinstance(params.get("tool_calls"), list):
            return any(isinstance(c, dict) and self._is_write(str(c.get("tool")), c.get("parameters")) for c in params["tool_calls"])
        try:
            spec = self.registry.get(name)
        except OpencodeError:
            return False
        return spec.permission in ("write", "execute")

    async def _snapshot(self, message: dict[str, Any]) -> bool:
        """Record the files as they are before this turn's first change (for undo)."""
        if self.snapshots is None:
            return False
        try:
            tree = await asyncio.to_thread(self.snapshots.take)
        except OpencodeError as error:
            self.warnings.append(f"no undo point for turn {self.turns}: {error.message}")
            return False
        self.session.add_part(message, {"type": "snapshot", "tree": tree})
        self.session.snapshots.append({"message": message["id"], "tree": tree})
        self.store.save(self.session)
        return True

    async def _execute(self, call: Any, params: dict[str, Any], problem: str | None) -> tuple[str, str, dict[str, Any], str | None]:
        """(status, output, metadata, error) for one call; failures become results."""
        if problem is not None:
            return "error", f"Error: {problem}", {}, problem
        try:
            spec = self.registry.get(call.name)
        except PermissionDenied as error:
            return self._denied_by_tool(call.name, params, error)
        except OpencodeError as error:
            return "error", f"Error: {error.message}", {}, error.message
        decision = await self.permissions.decide(spec, params)
        if not decision.allowed:
            return "denied", f"Permission denied: {decision.reason}", {}, decision.reason
        try:
            result = await call_tool(spec, params, self.ctx)
        except PermissionDenied as error:
            return self._denied_by_tool(call.name, params, error)
        except OpencodeError as error:
            text = error.message + (f" ({error.hint})" if error.hint else "")
            return "error", f"Error: {text}", {"code": error.code}, text
        except Exception as exc:  # noqa: BLE001 - a tool bug is reported to the model, not a crash
            return "error", f"Error: {type(exc).__name__}: {exc}", {}, str(exc)
        return "completed", result.output, result.metadata, None

    def _denied_by_tool(self, name: str, params: dict[str, Any], error: PermissionDenied) -> tuple[str, str, dict[str, Any], str]:
        """A refusal from below the permission engine (a path outside the project, a
        disabled tool) is a denial like any other: the model reads it, ``done`` lists it."""
        text = error.message + (f" ({error.hint})" if error.hint else "")
        self.permissions.deny(name, params, text)
        return "denied", f"Permission denied: {text}", {"code": error.code}, text

    async def _check_doom_loop(self, prepared: list[tuple[Any, dict[str, Any], str | None]]) -> None:
        for call, params, _ in prepared:
            self.recent_calls.append(call.name + json.dumps(params, sort_keys=True))
        self.recent_calls = self.recent_calls[-DOOM_REPEATS:]
        if len(self.recent_calls) < DOOM_REPEATS or len(set(self.recent_calls)) != 1:
            return
        action = (self.permissions.config or {}).get("doom_loop", "ask")
        if action == "allow":
            return
        if action == "ask" and self.asker is not None:
            answer = await self.asker("doom_loop", {"call": prepared[-1][0].name}, "doom_loop")
            if answer in ("once", "always"):
                self.recent_calls.clear()
                return
        name = prepared[-1][0].name
        raise StopRun("doom_loop", LimitReached(f"stopped a doom loop: {name} was called {DOOM_REPEATS} times in a row with the same input"))

    async def execute_for_batch(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """One call from the ``batch`` tool, under the same permission rules."""
        from ..llm.types import ToolCall

        status, output, metadata, error = await self._execute(ToolCall("batch", name, json.dumps(params)), params, None)
        return {"tool": name, "status": status, "output": output, "metadata": metadata, "error": error}

    # -- context -------------------------------------------------------------

    async def _fitting_messages(self) -> list[dict[str, Any]]:
        system = self.system_prompt(self.agent)
        wire = transcript.build(system, self.session.messages, compaction=self.session.compaction)
        window = compaction.context_window(self.model, self.ctx.config)
        limit = compaction.budget(window, None)
        if compaction.fits(wire, limit):
            return wire
        pruned = transcript.prunable_calls(transcript.visible_messages(self.session.messages, self.session.compaction))
        wire = transcript.build(system, self.session.messages, compaction=self.session.compaction, pruned=pruned)
        if compaction.fits(wire, limit):
            return wire
        await self.compact()
        return transcript.build(system, self.session.messages, compaction=self.session.compaction)

    async def compact(self) -> str:
        """Ask the model for a summary and continue from it (also ``session compact``)."""
        system = self.system_prompt(self.agent)
        wire = transcript.build(system, self.session.messages, compaction=self.session.compaction)
        completion = await client.complete(Request(self.model, compaction.summary_messages(system, wire)), self.settings)
        last = self.session.messages[-1]["id"] if self.session.messages else None
        pending_user = self.session.messages[-1] if self.session.messages and self.session.messages[-1]["role"] == "user" else None
        upto = self.session.messages[-2]["id"] if pending_user is not None and len(self.session.messages) > 1 else last
        self.session.compaction = {"summary": completion.text, "upto": upto}
        self._account({}, completion)
        self.store.save(self.session)
        return completion.text

    # -- subagents and agent switches ----------------------------------------

    async def run_subagent(self, agent_name: str, prompt: str, description: str = "") -> dict[str, Any]:
        """Run a subagent in a child session; its final answer is the task's result."""
        agent = self.agents.get(agent_name)
        if agent.mode == "primary":
            raise UsageError(f"{agent_name} is a primary agent, not a subagent", hint=f"subagents: {', '.join(a.name for a in self.agents.subagents())}")
        if getattr(self.agent, "read_only", False) and not getattr(agent, "read_only", False):
            raise PermissionDenied(f"the read-only {self.agent.name} agent can only start read-only subagents (such as explore)")
        if self.depth >= MAX_SUBAGENT_DEPTH:
            raise UsageError(f"subagents may nest at most {MAX_SUBAGENT_DEPTH} deep; do this task yourself")
        from ..session.model import title_from_prompt

        child = self.store.create(title=description or title_from_prompt(prompt), agent=agent.name, model=self.model.name, parent_id=self.session.id)
        from ..tools.base import ToolContext

        ctx = ToolContext(self.ctx.paths, self.ctx.data_dir, self.ctx.config, self.ctx.env, read_files={})
        ctx.extras.update({k: v for k, v in self.ctx.extras.items() if k in ("ask_user", "answers")})
        from .permissions import Permissions

        permissions = Permissions(
            self.permissions.config, agent, yes=self.permissions.yes, asker=self.asker, paths=self.permissions.paths,
            grants=[*self.permissions.grants, *self.permissions.session_grants],
        )
        loop = AgentLoop(
            agent=agent, agents=self.agents, model=self.model, settings=self.settings, registry=self.registry, ctx=ctx,
            session=child, store=self.store, permissions=permissions, system_prompt=self.system_prompt,
            budget=Budget(max_turns=getattr(agent, "max_turns", None) or 25), snapshots=self.snapshots, asker=self.asker,
            depth=self.depth + 1,
        )
        async for record in loop.run(prompt):
            if record["type"] == "done":
                self.usage = self.usage + Usage(**{k: record["usage"].get(k, 0) for k in ("input_tokens", "output_tokens", "cached_tokens")})
                if self.cost_usd is not None:
                    self.cost_usd = None if record["cost_usd"] is None else round(self.cost_usd + record["cost_usd"], 8)
        self.permissions.denials += permissions.denials
        return {"text": loop.final_text, "session_id": child.id, "exit_code": loop.exit_code}

    async def switch_agent(self, target: str) -> str:
        """``plan`` enters the plan agent; ``exit`` returns to the primary one, with the
        user's approval: a model may not lift the plan agent's read-only rule itself."""
        if target == "exit":
            if self.agent.name != "plan":
                return self.agent.name
            approved = self.permissions.yes or (self.asker is not None and await self.asker("plan_exit", {}, "plan_exit") in ("once", "always"))
            if not approved:
                raise PermissionDenied("leaving the plan agent needs the user's approval")
            self.agent = self._primary if self._primary.name != "plan" else self.agents.get("build")
        else:
            self.agent = self.agents.get(target)
        self.permissions.agent = self.agent
        self.ctx.agent = self.agent.name
        return self.agent.name
