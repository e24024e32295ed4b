"""The runtime of one command: streams, working directory, options, config, output.

Built once per process from the root options (by the fast path or the Click root
group) and handed to every command. Everything environmental lives here, so nothing
below the CLI touches ``sys.stdin`` or ``os.environ``.
"""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path

from .. import protocol
from ..diag import Diagnostics
from ..errors import OpencodeError, ToolError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, TextIO

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
        level = self.env.get("OPENCODE_LOG_LEVEL") or ("DEBUG" if self.verbose > 1 else "INFO" if self.verbose else "WARNING")
        return Diagnostics(self.stderr, level=level, color=self.color and _isatty(self.stderr), quiet=self.quiet)

    def emit(self, record: dict[str, Any]) -> None:
        """Write one record in the current mode."""
        mode = self.mode
        if mode == "jsonl":
            self.stdout.write(protocol.dumps(record) + "\n")
        elif mode == "text":
            self.stdout.write(protocol.record_text(record))
        else:
            from .render import render_human

            render_human(record, self)
        self.stdout.flush()

    def fail(self, error: OpencodeError, tool: str | None = None) -> int:
        """Report an error: a message on stderr, an ``error`` record on stdout for
        machines. Returns the exit status."""
        self.diag.error(error.message, error.hint)
        if self.mode == "jsonl":
            try:
                self.stdout.write(protocol.dumps(protocol.error_record(error.to_dict(), tool=tool)) + "\n")
                self.stdout.flush()
            except (BrokenPipeError, ValueError):
                pass
        return error.exit_code

    # -- input ---------------------------------------------------------------

    @property
    def stdin_piped(self) -> bool:
        return self.stdin is not None and not _isatty(self.stdin)

    def read_stdin(self) -> protocol.PipedInput | None:
        """What was piped in, or None when stdin is a terminal or absent."""
        if not self.stdin_piped:
            return None
        assert self.stdin is not None
        try:
            raw = self.stdin.read()
        except (OSError, ValueError):
            return None
        return protocol.parse_input(raw)

    def piped_text(self, purpose: str) -> str | None:
        """The text of piped input, refusing input that carries an upstream error.

        Empty input counts as none: a failed upstream command that printed nothing
        must not, say, truncate a file through ``write``.
        """
        piped = self.read_stdin()
        if piped is None or piped.is_empty:
            return None
        if piped.errors:
            first = piped.errors[0].get("error", {})
            raise ToolError(
                f"the piped input is an error, not {purpose}: {first.get('message', 'unknown error')}",
                hint="the command before the pipe failed; nothing was written",
            )
        return piped.text

    # -- configuration and context ---------------------------------------------

    @cached_property
    def config(self):
        from ..config import load_config

        config = load_config(self.cwd, self.env, self.flags, self.profile)
        for warning in config.warnings:
            self.diag.warning(warning)
        return config

    @cached_property
    def project_root(self) -> Path:
        from ..paths import find_project_root

        return find_project_root(self.cwd)

    @cached_property
    def data_dir(self) -> Path:
        from ..config.dirs import data_dir

        return data_dir(self.env)

    def path_policy(self):
        from ..paths import PathPolicy

        permissions = self.config.get("permissions", {})
        return PathPolicy(
            root=self.project_root,
            cwd=self.cwd,
            external=permissions.get("external_directory", "deny"),
            allowed=[Path(p) for p in permissions.get("allowed_paths", [])],
        )

    def registry(self):
        from ..tools import Registry

        return Registry.from_config(self.config)

    def tool_context(self, **overrides: Any):
        from ..tools.base import ToolContext

        return ToolContext(
            paths=self.path_policy(),
            data_dir=self.data_dir,
            config=self.config,
            env=self.env,
            **overrides,
        )


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
    )
