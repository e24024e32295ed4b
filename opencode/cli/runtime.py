"""The runtime of one command: its streams, output options, and the workspace.

Built once per process from the root options (by the fast path or the Click root
group) and handed to every command. It is the command line's side of the line: the
streams, whether they are terminals, ``--json``/``--format``, ``-q``/``-v``, and the
renderer for the output mode. ``force`` is ``--force`` of the
commands that take a pipe's bytes (``write``): write them even when the command before
the pipe failed. The project itself (config, tools, sessions, models) is the
``Workspace`` it builds from the same plain values, which is all the layers below
ever see.
"""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path

from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, TextIO

    from .. import protocol
    from ..app.workspace import Workspace
    from ..errors import OpencodeError
    from ..render.answer import AnswerView
    from ..render.base import Renderer
    from ..render.diag import Diagnostics

FORMATS = ("text", "json", "jsonl")


class Runtime:
    def __init__(
        self,
        env: Mapping[str, str],
        cwd: Path,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        format: str | None = None,
        quiet: bool = False,
        verbose: int = 0,
        no_color: bool = False,
        profile: str | None = None,
        flags: dict[str, Any] | None = None,
        force: bool = False,
    ) -> None:
        self.env = env
        self.cwd = cwd
        self.stdin = stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.format = format
        self.quiet = quiet
        self.verbose = verbose
        self.no_color = no_color
        self.profile = profile
        self.flags = flags or {}
        self.force = force

    # -- the project -------------------------------------------------------------

    @cached_property
    def workspace(self) -> Workspace:
        from ..app.workspace import Workspace

        return Workspace(self.cwd, self.env, flags=self.flags, profile=self.profile, warn=self.diag.warning)

    # -- output --------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``human`` on a terminal, else ``jsonl``; ``--format``/``--json`` override."""
        if self.format == "text":
            return "text"
        if self.format in ("json", "jsonl"):
            return "jsonl"
        return "human" if _isatty(self.stdout) else "jsonl"

    @property
    def color(self) -> bool:
        return not self.no_color and "NO_COLOR" not in self.env

    @cached_property
    def diag(self) -> Diagnostics:
        from ..render.diag import Diagnostics

        level = self.env.get("OPENCODE_LOG_LEVEL") or ("DEBUG" if self.verbose > 1 else "INFO" if self.verbose else "WARNING")
        return Diagnostics(self.stderr, level=level, color=self.color and _isatty(self.stderr), quiet=self.quiet, mask=self._mask)

    def _mask(self, message: str) -> str:
        """Secrets out of a message for people: the environment's, and any token's."""
        if "_masker" not in self.__dict__:
            from ..secrets import Redactor

            self._masker = Redactor(self.env).text
        return self._masker(message)

    @cached_property
    def out(self) -> Renderer:
        """The renderer of this command's output mode (made on first use, after the
        command's own ``--json``/``--format`` are known)."""
        from ..render import make_renderer

        return make_renderer(self.mode, self.stdout, self.diag, color=self.color)

    def emit(self, record: dict[str, Any]) -> None:
        self.out.show(record)

    def fail(self, error: OpencodeError, tool: str | None = None) -> int:
        """Report an error: a message on stderr, an ``error`` record on stdout for
        machines. Returns the exit status."""
        self.finish()
        self.out.fail(error, tool)
        return error.exit_code

    def finish(self) -> None:
        if "workspace" in self.__dict__:
            self.workspace.close()
        if "out" in self.__dict__:
            self.out.close()

    @property
    def wants_summary(self) -> bool:
        """Whether to end with a usage line on stderr: asked for, or a person watching."""
        return not self.quiet and bool(self.verbose or _isatty(self.stderr))

    def answer_view(self) -> AnswerView:
        """How an agent run is shown when stdout wants its answer, not its records."""
        from ..render.answer import AnswerView

        ws = self.workspace
        return AnswerView(
            self.out, self.stderr, describe=lambda tool, params: ws.registry.describe(tool, params),
            quiet=self.quiet, summary=self.wants_summary, language=lambda: ws.config.get("ui.language", "en"),
        )

    # -- input ---------------------------------------------------------------

    @property
    def stdin_piped(self) -> bool:
        return self.stdin is not None and not _isatty(self.stdin)

    @property
    def interactive(self) -> bool:
        """A person at the terminal: stdin and stderr (where prompts go) are terminals."""
        return self.stdin is not None and _isatty(self.stdin) and _isatty(self.stderr)

    def read_stdin(self) -> protocol.PipedInput | None:
        """What was piped in, or None when stdin is a terminal or absent. Read as
        bytes: input that is not UTF-8 text is data, kept exactly (``PipedInput.data``)."""
        if not self.stdin_piped:
            return None
        from .. import protocol

        assert self.stdin is not None
        try:
            raw = getattr(self.stdin, "buffer", self.stdin).read()
        except (OSError, ValueError):
            return None
        return protocol.parse_input(raw)

    def piped_payload(self, purpose: str) -> bytes | None:
        """The exact bytes piped in for ``purpose``, or None when nothing was.

        Input that shows the command before the pipe failed (an ``error`` record, a
        non-zero exit) or that holds nothing to write is refused unless ``force``:
        a failed ``bash "cat missing"`` must not replace a file with its complaint.
        Empty (or blank) input counts as none.
        """
        piped = self.read_stdin()
        if piped is None or piped.is_empty:
            return None
        if not self.force:
            piped.refuse_errors(purpose, destructive=True)
        return piped.payload


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def make_runtime(options: Mapping[str, Any], env: Mapping[str, str]) -> Runtime:
    """A runtime from parsed root options (shared by the fast path and Click)."""
    import os

    cwd = Path(os.getcwd())
    if options.get("chdir"):
        target = (cwd / os.path.expanduser(options["chdir"])).resolve()
        if not target.is_dir():
            raise UsageError(f"not a directory: {options['chdir']}")
        os.chdir(target)
        cwd = target
    fmt = options.get("format")
    if options.get("json"):
        fmt = "json"
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    flags = {
        "model": options.get("model"),
        "provider.default": options.get("provider"),
        "server.port": options.get("port"),
        "server.enabled": False if options.get("no_server") else None,
    }
    return Runtime(
        env=env,
        cwd=cwd,
        stdin=sys.stdin,
        format=fmt,
        quiet=bool(options.get("quiet")),
        verbose=int(options.get("verbose") or 0),
        no_color=bool(options.get("no_color")),
        profile=options.get("profile"),
        flags={k: v for k, v in flags.items() if v is not None},
        force=bool(options.get("force")),
    )
