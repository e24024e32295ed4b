"""Which agent a run is right now: the one it started as, or plan mode, and so which
tools its model is offered.

The ``plan`` tool enters a read-only agent; leaving it again needs the person's
approval (or ``--yes``), so a model cannot lift the read-only rule by itself.
"""

from __future__ import annotations

from ..errors import PermissionDenied
from .agents import DEFAULT_AGENT
from .seams import ALWAYS, ONCE, PermissionAsk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..tools import Registry
    from .agents import Agent, AgentSet
    from .permissions import Permissions
    from .seams import Person

EXIT = "exit"


class Seat:
    def __init__(self, agent: Agent, agents: AgentSet, permissions: Permissions, person: Person | None) -> None:
        self.agent = self.primary = agent
        self.agents, self.permissions, self.person = agents, permissions, person
        self._schemas: tuple[Any, list[dict[str, Any]]] = (None, [])

    def tool_schemas(self, registry: Registry) -> list[dict[str, Any]]:
        """The function schemas the model is offered as the current agent (built once
        per agent: an agent switch changes them)."""
        key = (self.agent.name, tuple(registry.names()))
        if self._schemas[0] != key:
            offered = [spec for spec in registry.specs() if self.agent.allows_tool(spec.name, spec.permission)]
            self._schemas = (key, [spec.function_schema() for spec in offered])
        return self._schemas[1]

    async def switch(self, target: str) -> str:
        """Become agent ``target``, or with ``"exit"`` leave a read-only agent for the
        primary one (the default agent when the run started read-only). Returns the
        name of the agent the run is now."""
        if target == EXIT:
            if not self.agent.read_only:
                return self.agent.name
            if not await self._approved():
                raise PermissionDenied(f"leaving the {self.agent.name} agent needs the user's approval")
            self.agent = self.primary if not self.primary.read_only else self.agents.get(DEFAULT_AGENT)
        else:
            self.agent = self.agents.get(target)
        self.permissions.agent = self.agent
        return self.agent.name

    async def _approved(self) -> bool:
        if self.permissions.yes:
            return True
        if self.person is None:
            return False
        ask = PermissionAsk(
            "plan_exit", "plan_exit", {}, f"Leave the read-only {self.agent.name} agent and start changing files?", can_always=False
        )
        return await self.person.approve(ask) in (ONCE, ALWAYS)
