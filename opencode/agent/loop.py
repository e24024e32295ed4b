"""The agent loop: a model and tools, turn after turn, yielding protocol records.

One turn: send the conversation (kept inside the model's window by the
``Compactor``), stream the answer (``text_delta``), and if the model asked for tools,
hand the calls to the ``ToolScheduler``. The run ends when the model answers without
tool calls, a budget runs out (``Meter``), the same call repeats (``DoomLoopGuard``),
or an error stops it; the last record is always ``done``.

The loop knows nothing of terminals or files: the model is a ``ModelClient``, the
person a ``Person``, the session a ``Conversation`` kept by a ``SessionSink``
(``agent.seams``), and every finished part is saved before the next begins, so a
killed process loses at most the part in flight.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import protocol
from ..errors import OpencodeError
from ..llm.types import Request
from .budget import Budget, Meter, StopRun
from .compaction import Compactor, context_window
from .doom_loop import DoomLoopGuard
from .host import AgentHost
from .parts import reasoning_part, text_part
from .scheduler import ToolScheduler, UndoPoints
from .seat import Seat
from .subagents import Subagents

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable

    from ..llm.types import Completion, ModelClient
    from ..tools import Registry
    from ..tools.base import ToolContext
    from .agents import Agent, AgentSet
    from .permissions import Permissions
    from .seams import Conversation, Person, SessionSink


@dataclass
class RunSetup:
    """What a run is made of, shared with the subagents it starts.

    ``base_context`` gives the path policy, data dir, config and environment of every
    loop's tool context (each loop gets its own, with its own host and read record).
    ``system_prompt(agent)`` is the system prompt for an agent.
    """

    agents: AgentSet
    model: Any
    client: ModelClient
    registry: Registry
    sink: SessionSink
    system_prompt: Callable[[Agent], str]
    base_context: ToolContext
    snapshots: Any = None
    person: Person | None = None


class AgentLoop:
    def __init__(
        self,
        setup: RunSetup,
        agent: Agent,
        session: Conversation,
        permissions: Permissions,
        budget: Budget | None = None,
        depth: int = 0,
        undo: UndoPoints | None = None,
    ) -> None:
        """``undo``: the undo point of the person's turn this loop is part of (a
        subagent's changes are undone with its parent's turn); a new one by default."""
        self.setup, self.session, self.permissions, self.depth = setup, session, permissions, depth
        self.budget = budget or Budget()
        self.meter = Meter()
        self.warnings: list[str] = []
        self.exit_code = 0
        self.final_text = ""
        self.streamed: list[str] = []  # the text of the reply streaming now
        self.seat = Seat(agent, setup.agents, permissions, setup.person)
        self.compactor = Compactor(setup.client, setup.model)
        self.ctx = self._tool_context()
        self.undo = undo or UndoPoints(setup.snapshots, session, setup.sink, self.warnings)
        self.scheduler = ToolScheduler(
            setup.registry, self.ctx, permissions, session, setup.sink, self.undo,
            DoomLoopGuard(permissions.config.get("doom_loop", "ask"), setup.person),
        )

    def _tool_context(self) -> ToolContext:
        from ..tools.base import ToolContext

        base = self.setup.base_context
        ctx = ToolContext(base.paths, base.data_dir, base.config, base.env, read_files={}, private=base.private, redactor=base.redactor)
        ctx.host = AgentHost(self.setup.registry, self.permissions, self.setup.person, Subagents(self), self.seat, self.session.id)
        return ctx

    @property
    def agent(self) -> Agent:
        return self.seat.agent

    # -- the run -----------------------------------------------------------

    async def run(self, prompt: str) -> AsyncIterator[dict[str, Any]]:
        """The records of one run: ``session`` first, ``done`` last, whatever happens
        in between (an unexpected exception too, since scripts rely on that)."""
        self.session.add_message("user", [text_part(prompt)], agent=self.agent.name)
        self.undo.prompt = self.undo.prompt or prompt
        # After the prompt is in: a new session's title comes from it.
        yield protocol.record("session", session_id=self.session.id, agent=self.agent.name, model=self.setup.model.name, title=self.session.title)
        reason = "completed"
        try:
            self.setup.sink.save(self.session)
            finished = False
            while not finished:
                self.meter.check(self.budget)
                self.meter.turns += 1
                yield protocol.record("step_start", step=self.meter.turns, agent=self.agent.name)
                async for record in self._turn():
                    finished = finished or record["type"] == "message"
                    yield record
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
            self.setup.sink.save(self.session)
        except OSError as exc:
            self.warnings.append(f"the session could not be saved: {exc}")

    def done_record(self, reason: str) -> dict[str, Any]:
        return protocol.done_record(
            reason,
            session_id=self.session.id,
            usage=self.meter.usage.to_dict(),
            cost_usd=self.meter.cost_usd,
            duration_ms=self.meter.elapsed_ms,
            turns=self.meter.turns,
            denials=list(self.permissions.denials),
            warnings=list(self.warnings),
            text=self.final_text,
        )

    def stop_records(self, reason: str, error: OpencodeError) -> list[dict[str, Any]]:
        """The last records of a run stopped from outside (a timeout, Ctrl-C). Calls
        cut off are saved as failed, so a resumed session tells the model so; a reply
        cut off mid-stream keeps the text that had arrived."""
        self.exit_code = error.exit_code
        for message in self.session.messages[-1:]:
            partial = "".join(self.streamed)
            if partial and message.get("role") == "assistant" and not any(p.get("type") == "text" for p in message.get("parts", ())):
                self.session.add_part(message, text_part(partial))
            for part in message.get("parts", ()):
                if part.get("type") == "tool" and part.get("status") == "running":
                    note = f"stopped before it finished ({error.message})"
                    self.session.update_part(part, status="error", output=f"Error: {note}", error=note)
        self._last_save()
        return [protocol.error_record(error.to_dict()), self.done_record(reason)]

    # -- one turn ----------------------------------------------------------

    async def _turn(self) -> AsyncIterator[dict[str, Any]]:
        messages = await self._fitting_messages()
        request = Request(self.setup.model, messages, tools=self.seat.tool_schemas(self.setup.registry) or None, temperature=self.agent.temperature)
        message = self.session.add_message("assistant", [], agent=self.agent.name, model=self.setup.model.name)
        completion = None
        self.streamed = []
        async for kind, value in self.setup.client.stream(request):
            if kind == "text":
                self.streamed.append(value)
                yield protocol.record("text_delta", text=value)
            elif kind == "retry":
                yield protocol.record("retry", **value)
            elif kind == "done":
                completion = value
        assert completion is not None
        self.streamed = []
        if completion.reasoning:
            self.session.add_part(message, reasoning_part(completion.reasoning))
        if completion.text:
            self.session.add_part(message, text_part(completion.text))
        self._account(completion, message)
        if message["parts"] or not completion.tool_calls:
            # A reply of tool calls alone has no finished part yet: the save after its
            # first tool result writes it, usage included (one whole-session save fewer a turn).
            self.setup.sink.save(self.session)
        if not completion.tool_calls:
            self.final_text = completion.text
            yield self._answer(completion)
        else:
            async for record in self.scheduler.run(message, completion.tool_calls, self.meter.turns):
                yield record
        yield self._step_finish(completion)

    def _answer(self, completion: Completion) -> dict[str, Any]:
        return protocol.record(
            "message",
            role="assistant",
            text=completion.text,
            model=self.setup.model.name,
            usage=self.meter.usage.to_dict(),
            cost_usd=self.meter.cost_usd,
            duration_ms=self.meter.elapsed_ms,
            session_id=self.session.id,
        )

    def _step_finish(self, completion: Completion) -> dict[str, Any]:
        return protocol.record(
            "step_finish",
            step=self.meter.turns,
            usage=completion.usage.to_dict(),
            cost_usd=completion.cost_usd,
            finish_reason=completion.finish_reason,
            context_window=context_window(self.setup.model, self.setup.client),
        )

    def _account(self, completion: Completion, message: dict[str, Any] | None = None) -> None:
        """Count a model call: in the run's meter, on its message, in the session."""
        self.meter.add(completion)
        if message is not None:
            message["usage"] = completion.usage.to_dict()
            message["cost_usd"] = completion.cost_usd
        self.session.add_usage(completion.usage.to_dict(), completion.cost_usd)

    # -- context -------------------------------------------------------------

    async def _fitting_messages(self) -> list[dict[str, Any]]:
        messages, summary = await self.compactor.fitting(self.setup.system_prompt(self.agent), self.session)
        if summary is not None:
            self._account(summary)
            self.setup.sink.save(self.session)
        return messages
