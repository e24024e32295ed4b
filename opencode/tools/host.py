"""What the caller of a tool offers it beyond the file system: the tool host.

A few tools need more than files: ``batch`` runs other tools, ``question`` asks the
person running it, ``task`` starts a subagent, ``plan`` switches the agent, and the
todo tools keep a list that belongs to a session or a project. They reach these
through ``ctx.host`` and declare which they use (``ToolSpec.uses``), so a tool defined
anywhere (built in, from an MCP server, in Python) says what it needs the same way.

``ToolHost`` is what a tool run on its own gets (``opencode tool call``, a recipe's
tool step): it runs other tools straight, keeps the project's todo list, and offers
nothing else. The agent loop's host (``agent.host.AgentHost``) offers everything. A
call whose tool uses something its host does not offer is refused before it runs,
with one message for all such tools (``tools.execute``).
"""

from __future__ import annotations

from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from . import Registry
    from .base import ToolContext
    from .execute import ToolOutcome

TOOLS = "tools"
PERSON = "person"
SUBAGENTS = "subagents"
AGENT_SWITCH = "agent_switch"
TODO = "todo"

#: Every capability, with what a tool using it does (for the refusal message).
CAPABILITIES = {
    TOOLS: "runs other tools",
    PERSON: "asks the person running it",
    SUBAGENTS: "starts subagents",
    AGENT_SWITCH: "switches the running agent",
    TODO: "keeps a todo list",
}


class SubagentResult:
    """What a subagent run hands back to the ``task`` tool."""

    __slots__ = ("text", "session_id", "exit_code")

    def __init__(self, text: str, session_id: str, exit_code: int) -> None:
        self.text, self.session_id, self.exit_code = text, session_id, exit_code


class ToolHost:
    """The host of a tool run on its own: other tools and the project's todo list.

    ``registry`` is where ``call_tool`` finds tools (by default the one the config
    gives). Subclasses offer more by extending ``offers`` and overriding the methods.
    """

    offers: frozenset[str] = frozenset({TOOLS, TODO})

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry

    async def call_tool(self, name: str, params: dict[str, Any], ctx: ToolContext) -> ToolOutcome:
        """Run one more tool call in ``ctx``, as the caller's own calls run."""
        from . import Registry
        from .execute import execute

        registry = self.registry if self.registry is not None else Registry.from_config(ctx.config)
        return await execute(registry, name, params, ctx)

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any] | None:
        """Answers to ``questions``, one per question; None when nobody can answer."""
        return None

    async def run_subagent(self, agent: str, prompt: str, description: str) -> SubagentResult:
        raise UsageError("subagents run inside an agent run", hint='use: opencode agent general "..."')

    async def switch_agent(self, target: str) -> str:
        """Switch to agent ``target`` (``"exit"``: back from plan mode); the new name."""
        raise UsageError("the agent can be switched only inside an agent run", hint='use: opencode agent plan "..."')

    def todo_scope(self) -> str | None:
        """Whose todo list the todo tools keep: a session id, or None for the project's."""
        return None

    @property
    def read_only(self) -> bool:
        """Whether the caller is a read-only agent (``bash`` then runs commands in the
        read-only sandbox)."""
        return False
