"""What a command may do, from ``[sandbox]`` and the caller: the ``Policy``.

``mode = "workspace-write"`` (the default) lets a command write in the project, the
temporary folders and the folders ``writable`` names; ``"read-only"`` nowhere (the
read-only agents always get this, whatever the mode says, unless it is ``"off"``);
``"off"`` runs commands as they are. The project's ``.git`` is read-only in every mode
that writes, since a hook or a config line planted there runs outside any sandbox at
the person's next ``git`` command. ``network = false`` (the default) means no network.

The temporary folders are ``$TMPDIR`` when it is set (only it: a person who sets it
chose where temporary files go) and ``/tmp`` otherwise, plus ``/dev/shm`` where
there is one (POSIX semaphores live there).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

    from ..base import ToolContext

MODES = ("workspace-write", "read-only", "off")
DEFAULT_MODE = "workspace-write"


class Policy:
    """``writable``: the folders a command may write in; ``protected``: paths beneath
    them that stay read-only; ``network``: whether it may use the network."""

    __slots__ = ("mode", "writable", "protected", "network")

    def __init__(self, mode: str, writable: tuple[Path, ...] = (), protected: tuple[Path, ...] = (), network: bool = False) -> None:
        self.mode, self.writable, self.protected, self.network = mode, writable, protected, network

    def __repr__(self) -> str:
        return f"Policy({self.mode!r}, writable={self.writable!r}, protected={self.protected!r}, network={self.network})"


def policy_for(ctx: ToolContext) -> Policy:
    """The policy of a command run in ``ctx``: its config, and whether its host is a
    read-only agent."""
    table = settings(ctx.config)
    mode = table["mode"]
    if mode != "off" and ctx.host.read_only:
        mode = "read-only"
    if mode != "workspace-write":
        return Policy(mode, network=table["network"])
    root = ctx.root.resolve()
    extra = [_folder(raw, root, ctx.env) for raw in table["writable"]]
    writable = _unique([root, *temp_dirs(ctx.env), *extra])
    git = root / ".git"
    protected = (git,) if git.exists() or git.is_symlink() else ()
    return Policy(mode, writable, protected, table["network"])


def settings(config: Any) -> dict[str, Any]:
    """``[sandbox]`` with its defaults, checked (config files are checked when read;
    this catches a bad value from anywhere else, and names the key the same way)."""
    table = (config.get("sandbox") if config is not None else None) or {}
    if not isinstance(table, dict):
        raise ConfigError("sandbox must be a table", key="sandbox")
    found = {"mode": table.get("mode", DEFAULT_MODE), "network": table.get("network", False), "writable": table.get("writable", [])}
    if found["mode"] not in MODES:
        raise ConfigError(f"sandbox.mode must be one of {', '.join(MODES)}, got {found['mode']!r}", key="sandbox.mode")
    if not isinstance(found["network"], bool):
        raise ConfigError(f"sandbox.network must be true or false, got {found['network']!r}", key="sandbox.network")
    if not isinstance(found["writable"], list) or not all(isinstance(p, str) for p in found["writable"]):
        raise ConfigError(f"sandbox.writable must be a list of folders, got {found['writable']!r}", key="sandbox.writable")
    return found


def temp_dirs(env: Mapping[str, str]) -> list[Path]:
    tmp = env.get("TMPDIR") or "/tmp"
    return [Path(tmp).resolve(), Path("/dev/shm")]


def _folder(raw: str, root: Path, env: Mapping[str, str]) -> Path:
    """A ``writable`` entry as a path: ``~`` is the home folder, relative is the project's."""
    if raw == "~" or raw.startswith("~/"):
        raw = env.get("HOME", "~") + raw[1:]
    return (root / raw).resolve()


def _unique(paths: list[Path]) -> tuple[Path, ...]:
    return tuple(dict.fromkeys(paths))
