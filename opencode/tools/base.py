"""What a tool is: one definition from which every face is derived.

A ``ToolSpec`` holds the name, the description written for the model, the JSON Schema
of its parameters, which parameters are positional on the command line, the kind of
permission it needs, and one async ``run(params, ctx)``. The CLI subcommand, the LLM
function, the MCP tool, the HTTP endpoint and the recipe step are all built from it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Awaitable, Callable, Literal, Mapping

    from ..paths import PathPolicy

    Permission = Literal["read", "write", "execute", "network"]
    RunFn = Callable[[dict[str, Any], "ToolContext"], Awaitable["ToolResult"]]

# Plain classes rather than dataclasses: ``dataclasses`` imports ``inspect``, which
# alone costs a fifth of a tool command's start-up.


class ToolResult:
    """What a tool returns.

    ``output`` is the text for the model; ``text`` the raw payload where there is one
    (a file's exact content, a command's output); ``metadata`` structured facts
    (counts, diffs, exit codes). ``exit_status`` is what the tool's own CLI command
    exits with on success (``bash`` passes on the command's exit code).
    """

    __slots__ = ("output", "text", "metadata", "title", "exit_status")

    def __init__(
        self,
        output: str,
        text: str | None = None,
        metadata: dict[str, Any] | None = None,
        title: str = "",
        exit_status: int = 0,
    ) -> None:
        self.output = output
        self.text = text
        self.metadata = metadata if metadata is not None else {}
        self.title = title
        self.exit_status = exit_status

    def __repr__(self) -> str:
        return f"ToolResult(output={self.output[:60]!r}, metadata={self.metadata!r})"


class ToolContext:
    """Everything a tool may know about where and for whom it runs.

    Tools reach the file system only through ``paths`` and keep their state under
    ``data_dir``. ``session_id`` is None for stand-alone CLI use. ``config`` is the
    merged configuration mapping (plain data). ``read_files`` records, per session,
    the files a model has read and their modification times, for the read-before-edit
    rule.
    """

    def __init__(
        self,
        paths: PathPolicy,
        data_dir: Path,
        config: Any = None,
        env: Mapping[str, str] | None = None,
        session_id: str | None = None,
        agent: str | None = None,
        read_files: dict[str, float] | None = None,
        extras: dict[str, Any] | None = None,
    ) -> None:
        self.paths = paths
        self.data_dir = data_dir
        self.config = config
        self.env = env if env is not None else {}
        self.session_id = session_id
        self.agent = agent
        self.read_files = read_files
        self.extras = extras if extras is not None else {}

    @property
    def root(self) -> Path:
        return self.paths.root

    @property
    def cwd(self) -> Path:
        return self.paths.cwd


class ToolSpec:
    """One tool. See the module docstring.

    ``stdin_param`` names the parameter filled from a pipe's text when it is not given
    (``write``'s ``content``). ``loop_free`` promises that ``run`` awaits nothing that
    needs an event loop, so the CLI may drive it without importing asyncio (which
    costs more than the whole of a ``read``).
    """

    __slots__ = ("name", "description", "parameters", "run", "permission", "positional", "stdin_param", "loop_free")

    def __init__(
        self,
        name: str,
        description: str,
        parameters: dict[str, Any],
        run: RunFn,
        permission: Permission = "read",
        positional: tuple[str, ...] = (),
        stdin_param: str | None = None,
        loop_free: bool = False,
    ) -> None:
        self.name = name
        self.description = description
        self.parameters = parameters
        self.run = run
        self.permission = permission
        self.positional = positional
        self.stdin_param = stdin_param
        self.loop_free = loop_free

    def __repr__(self) -> str:
        return f"ToolSpec({self.name!r}, permission={self.permission!r})"

    @property
    def properties(self) -> dict[str, Any]:
        return self.parameters.get("properties", {})

    @property
    def required(self) -> list[str]:
        return list(self.parameters.get("required", []))

    def function_schema(self) -> dict[str, Any]:
        """The OpenAI-style function definition sent to models through litellm."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


def drive(coro: Awaitable[ToolResult]) -> ToolResult:
    """Run a coroutine that never suspends, without an event loop.

    Used for ``loop_free`` tools. A coroutine that does suspend is a bug in the tool's
    declaration, and says so.
    """
    try:
        coro.send(None)  # type: ignore[attr-defined]
    except StopIteration as done:
        return done.value
    coro.close()  # type: ignore[attr-defined]
    raise RuntimeError("a loop_free tool awaited something that needs an event loop")
