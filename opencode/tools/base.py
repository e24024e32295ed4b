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
    from ..secrets import Redactor
    from .host import ToolHost

    Permission = Literal["read", "write", "execute", "network"]
    SubjectKind = Literal["path", "command", "text"]
    RunFn = Callable[[dict[str, Any], "ToolContext"], Awaitable["ToolResult"]]

# Plain classes rather than dataclasses: ``dataclasses`` imports ``inspect``, which
# alone costs a fifth of a tool command's start-up.


class ToolResult:
    """What a tool returns.

    ``output`` is the text for the model; ``text`` the raw payload where there is one
    (a file's exact content, a command's output), with ``encoding="base64"`` when the
    payload is bytes that are not UTF-8 text (so a pipe carries them exactly);
    ``metadata`` structured facts (counts, diffs, exit codes). ``exit_status`` is what
    the tool's own CLI command exits with on success (``bash`` passes on the command's
    exit code).
    """

    __slots__ = ("output", "text", "metadata", "title", "exit_status", "encoding")

    def __init__(
        self,
        output: str,
        text: str | None = None,
        metadata: dict[str, Any] | None = None,
        title: str = "",
        exit_status: int = 0,
        encoding: str | None = None,
    ) -> None:
        self.output = output
        self.text = text
        self.metadata = metadata if metadata is not None else {}
        self.title = title
        self.exit_status = exit_status
        self.encoding = encoding

    def __repr__(self) -> str:
        return f"ToolResult(output={self.output[:60]!r}, metadata={self.metadata!r})"


class ToolContext:
    """Everything a tool may know about where and for whom it runs.

    Tools reach the file system only through ``paths`` and keep their state under
    ``data_dir``. ``config`` is the merged configuration mapping (plain data), ``env``
    the environment commands run with. ``read_files`` records, in an agent run, the
    files the model has read, for the read-before-edit rule (None outside agent runs:
    the rule is off): each value is the ``fsutil.content_stamp`` (size and digest) of
    the bytes read or written, so a rewrite within one timestamp tick is still noticed.
    ``host`` is what the caller offers beyond files: other tools, a person, subagents,
    the agent switch, the todo list (see ``tools.host``). ``private`` are folders
    inside the project that are opencode's own (the session folders): the search
    tools pass them by. ``redactor`` masks secrets in what a tool keeps on disk (by
    default one that knows the environment's credentials and well-known token shapes).
    Both may be given as functions that make them, so a tool that needs neither (a
    plain ``read``) never pays for them.
    """

    def __init__(
        self,
        paths: PathPolicy,
        data_dir: Path,
        config: Any = None,
        env: Mapping[str, str] | None = None,
        read_files: dict[str, Any] | None = None,
        host: ToolHost | None = None,
        private: tuple[Path, ...] | Callable[[], tuple[Path, ...]] = (),
        redactor: Redactor | Callable[[], Redactor] | None = None,
    ) -> None:
        self.paths = paths
        self.data_dir = data_dir
        self.config = config
        self.env = env if env is not None else {}
        self.read_files = read_files
        self._private = private
        self._redactor = redactor
        if host is None:
            from .host import ToolHost

            host = ToolHost()
        self.host = host

    @property
    def private(self) -> tuple[Path, ...]:
        if callable(self._private):
            self._private = tuple(self._private())
        return tuple(self._private)

    @property
    def redactor(self) -> Redactor:
        if self._redactor is None:
            from ..secrets import Redactor

            self._redactor = Redactor(self.env)
        elif callable(self._redactor):  # a Redactor itself is not callable
            self._redactor = self._redactor()
        return self._redactor

    @property
    def root(self) -> Path:
        return self.paths.root

    @property
    def cwd(self) -> Path:
        return self.paths.cwd


class ToolSpec:
    """One tool. See the module docstring.

    Besides what every face needs, a tool declares what the layers above must know, so
    that none of them has to name it:

    - ``stdin_param``: the parameter filled from a pipe's text when it is not given
      (``write``'s ``content``). Bytes that are not UTF-8 text fill it as base64, with
      ``encoding="base64"``, when the tool has an ``encoding`` parameter.
    - ``loop_free``: ``run`` awaits nothing that needs an event loop, so the CLI may
      drive it without importing asyncio (which costs more than a whole ``read``).
    - ``concurrent``: calls may run at the same time as other concurrent calls.
    - ``writes``: a call may change project files, so an agent turn takes an undo point
      before it (default: ``write`` and ``execute`` tools).
    - ``subject``: the parameter naming what a call acts on (a path, a command, a
      URL): what permission rules match, progress lines and context labels show.
    - ``subject_kind``: how rules match the subject: ``path`` (normalized, so
      ``src/../x`` is not under ``src/*``), ``command`` (a shell command, split into
      its parts and searched for substitutions) or ``text``.
    - ``path_params``: the parameters that are file-system paths (for the
      ``external_directory`` rule); default ``("path",)`` when there is one.
    - ``uses``: the host capabilities ``run`` calls on (``tools.host.CAPABILITIES``).
    - ``nested``: for a tool that runs other tools, ``nested(params)`` lists the
      ``(tool, params)`` calls a call makes (so an undo point is taken for a ``batch``
      that writes).
    - ``targets``: for a tool that writes files not named by its path parameters
      (``apply_patch``: the patch names them), ``targets(params)`` lists them, so the
      protected-path rules see every file a call changes (``changes``).
    """

    __slots__ = (
        "name", "description", "parameters", "run", "permission", "positional", "stdin_param", "loop_free",
        "concurrent", "writes", "subject", "subject_kind", "path_params", "uses", "nested", "targets",
    )

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
        *,
        concurrent: bool = False,
        writes: bool | None = None,
        subject: str | None = None,
        subject_kind: SubjectKind | None = None,
        path_params: tuple[str, ...] | None = None,
        uses: tuple[str, ...] = (),
        nested: Callable[[dict[str, Any]], list[tuple[str, dict[str, Any]]]] | None = None,
        targets: Callable[[dict[str, Any]], list[str]] | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.parameters = parameters
        self.run = run
        self.permission = permission
        self.positional = positional
        self.stdin_param = stdin_param
        self.loop_free = loop_free
        self.concurrent = concurrent
        self.writes = permission in ("write", "execute") if writes is None else writes
        properties = parameters.get("properties", {})
        self.path_params = path_params if path_params is not None else (("path",) if "path" in properties else ())
        self.subject = subject
        self.subject_kind: SubjectKind = subject_kind or ("path" if subject in self.path_params else "text")
        self.uses = tuple(uses)
        self.nested = nested
        self.targets = targets

    def __repr__(self) -> str:
        return f"ToolSpec({self.name!r}, permission={self.permission!r})"

    @property
    def properties(self) -> dict[str, Any]:
        return self.parameters.get("properties", {})

    @property
    def required(self) -> list[str]:
        return list(self.parameters.get("required", []))

    def describe(self, params: Mapping[str, Any]) -> str:
        """What a call acts on, for people and labels: its subject's value, or ''."""
        value = params.get(self.subject) if self.subject else None
        return value if isinstance(value, str) else ""

    def changes(self, params: Mapping[str, Any]) -> list[str]:
        """The files a call may change, as given (none for a tool that does not write)."""
        if not self.writes:
            return []
        if self.targets is not None:
            try:
                return list(self.targets(dict(params)))
            except (KeyError, TypeError, ValueError):
                return []
        return [params[p] for p in self.path_params if isinstance(params.get(p), str) and params[p]]

    def calls_within(self, params: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """The tool calls a call of this tool makes itself (none for most tools)."""
        if self.nested is None:
            return []
        try:
            return list(self.nested(dict(params)))
        except (KeyError, TypeError, AttributeError):
            return []

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
