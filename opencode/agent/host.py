"""The tool host of an agent run: everything a tool may ask of its caller.

``batch`` gets its calls run under the run's permissions, ``question`` the run's person
(or the answers given in advance), ``task`` a subagent, ``plan`` the agent switch, and
the todo tools a list that belongs to the run's session.
"""

from __future__ import annotations

from ..tools.execute import execute
from ..tools.host import CAPABILITIES, ToolHost

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..tools import Registry
    from ..tools.base import ToolContext
    from ..tools.execute import ToolOutcome
    from ..tools.host import SubagentResult
    from .permissions import Permissions
    from .seams import Person
    from .seat import Seat
    from .subagents import Subagents


class AgentHost(ToolHost):
    offers = frozenset(CAPABILITIES)

    def __init__(
        self, registry: Registry, gate: Permissions, person: Person | None, subagents: Subagents, seat: Seat, session_id: str
    ) -> None:
        super().__init__(registry)
        self.gate, self.person, self.subagents, self.seat, self.session_id = gate, person, subagents, seat, session_id

    async def call_tool(self, name: str, params: dict[str, Any], ctx: ToolContext) -> ToolOutcome:
        """A call from inside another (``batch``), under the same permission rules."""
        return await execute(self.registry, name, params, ctx, gate=self.gate)

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any] | None:
        return await self.person.answer(questions) if self.person is not None else None

    async def run_subagent(self, agent: str, prompt: str, description: str) -> SubagentResult:
        return await self.subagents.run(agent, prompt, description)

    async def switch_agent(self, target: str) -> str:
        return await self.seat.switch(target)

    def todo_scope(self) -> str | None:
        return self.session_id

    @property
    def read_only(self) -> bool:
        return self.seat.agent.read_only
