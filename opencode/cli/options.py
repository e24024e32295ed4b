"""The root options, declared once.

Both the Click root group and the fast path (``entry.py``) are built from this table,
and so is the root ``--help`` text, so the three can never disagree.
"""

from __future__ import annotations


class RootOption:
    """One root option. ``kind``: str | int | choice (take a value), flag | count."""

    __slots__ = ("flags", "dest", "help", "metavar", "kind", "choices")

    def __init__(
        self,
        flags: tuple[str, ...],
        dest: str,
        help: str,
        metavar: str | None = None,
        kind: str = "str",
        choices: tuple[str, ...] = (),
    ) -> None:
        self.flags, self.dest, self.help = flags, dest, help
        self.metavar, self.kind, self.choices = metavar, kind, choices


ROOT_OPTIONS: tuple[RootOption, ...] = (
    RootOption(("-C",), "chdir", "Run as if started in DIR", "DIR"),
    RootOption(("--profile",), "profile", "Use a configuration profile", "NAME"),
    RootOption(("--model",), "model", "Override the model (provider/model)", "MODEL"),
    RootOption(("--provider",), "provider", "Override the default provider", "NAME"),
    RootOption(("--port",), "port", "Port for the HTTP server (default: 4096)", "PORT", "int"),
    RootOption(("--no-server",), "no_server", "Don't start the HTTP server", kind="flag"),
    RootOption(("--json",), "json", "Write JSON Lines (same as --format json)", kind="flag"),
    RootOption(("--format",), "format", "Output format", "FORMAT", "choice", ("text", "json", "jsonl")),
    RootOption(("-q", "--quiet"), "quiet", "Only errors on stderr", kind="flag"),
    RootOption(("-v", "--verbose"), "verbose", "More detail on stderr (repeat for debug)", kind="count"),
    RootOption(("--no-color",), "no_color", "No colour (also NO_COLOR=1)", kind="flag"),
)

BY_FLAG = {flag: opt for opt in ROOT_OPTIONS for flag in opt.flags}


def takes_value(opt: RootOption) -> bool:
    return opt.kind in ("str", "int", "choice")
