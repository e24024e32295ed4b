"""Subagents: a run's ``task`` calls, each a run of its own in a child session.

The child gets the agent asked for, its own tool context (its own read-before-edit
record) and permissions derived from its parent's: the same settings, person,
``--yes`` and grants, "always" answers included. What it spends and what it was
denied count as its parent's, and what it changes is undone with its parent's turn
(they share the turn's undo point).
"""

from __future__ import annotations

from ..errors import PermissionDenied, UsageError
from ..tools.host import SubagentResult
from .budget import Budget
from .permissions import Permissions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .loop import AgentLoop

MAX_DEPTH = 2
DEFAULT_MAX_TURNS = 25


class Subagents:
    def __init__(self, parent: AgentLoop) -> None:
        self.parent = parent

    async def run(self, agent_name: str, prompt: str, description: str = "") -> SubagentResult:
        """Run ``agent_name`` on ``prompt``; its final answer is the task's result."""
        from .loop import AgentLoop

        parent, setup = self.parent, self.parent.setup
        agent = setup.agents.get(agent_name)
        if agent.mode == "primary":
            raise UsageError(f"{agent_name} is a primary agent, not a subagent", hint=f"subagents: {', '.join(a.name for a in setup.agents.subagents())}")
        if parent.seat.agent.read_only and not agent.read_only:
            raise PermissionDenied(f"the read-only {parent.seat.agent.name} agent can only start read-only subagents (such as explore)")
        if parent.depth >= MAX_DEPTH:
            raise UsageError(f"subagents may nest at most {MAX_DEPTH} deep; do this task yourself")
        # Without a description the child's first prompt gives its title.
        child = setup.sink.create(title=description, agent=agent.name, model=setup.model.name, parent_id=parent.session.id)
        own = parent.permissions
        permissions = Permissions(
            own.config, agent, yes=own.yes, person=own.person, paths=own.paths, protected=own.protected,
            writers=own.writers, grants=[*own.grants, *own.session_grants],
        )
        budget = Budget(max_turns=agent.max_turns or DEFAULT_MAX_TURNS)
        loop = AgentLoop(setup, agent, child, permissions, budget, depth=parent.depth + 1, undo=parent.undo)
        async for _record in loop.run(prompt):
            pass
        parent.meter.absorb(loop.meter)
        own.denials += permissions.denials
        return SubagentResult(loop.final_text, child.id, loop.exit_code)
