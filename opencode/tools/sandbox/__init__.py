"""The OS sandbox the bash tool runs commands in.

No rule about command names can list every program that deletes or sends (``find
-delete``, ``unlink``, ``python3 -c``, a test suite the model just wrote); the kernel
can. On Linux a command is started in a Landlock domain that lets it read and run
anything the user can, but write only in the folders its ``Policy`` names (the
project and the temporary folders, or nothing in read-only mode), with the project's
``.git`` read-only, and, unless the config allows the network, open no TCP
connection. Where user namespaces work, a mount namespace makes ``.git`` a read-only
bind mount and an empty network namespace cuts off UDP as well (``namespaces``).

Where the kernel offers no Landlock (another OS, an old or restricted kernel) the
command runs as before, under the permission rules alone; ``prepare`` says so once
per process, in the first result.

The restriction is applied in the child between fork and exec (``Prepared.preexec``,
handed to ``_proc.run_in_session``); everything that can be done beforehand (the
ruleset, the mount flags, the id maps) is done in the parent. Imported only when a
command runs.
"""

from __future__ import annotations

from . import landlock
from .policy import MODES, Policy, policy_for, settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Callable

__all__ = ["MODES", "Policy", "Prepared", "Support", "policy_for", "prepare", "settings", "support", "namespaces_refused"]

#: The devices every sandboxed command may write to (where they exist).
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


class Support:
    """What this machine offers: the Landlock ABI version (0: none, with ``reason``),
    and whether user namespaces work (None until a command has tried them)."""

    __slots__ = ("landlock", "namespaces", "reason")

    def __init__(self, landlock: int, namespaces: bool | None = None, reason: str = "") -> None:
        self.landlock, self.namespaces, self.reason = landlock, namespaces, reason

    def __repr__(self) -> str:
        return f"Support(landlock={self.landlock}, namespaces={self.namespaces}, reason={self.reason!r})"


_support: Support | None = None
_said: set[str] = set()


def support() -> Support:
    """This machine's support, probed once per process (one cheap system call)."""
    global _support
    if _support is None:
        abi, reason = landlock.abi_version()
        _support = Support(abi, None, reason)
    return _support


_probe = support


def namespaces_refused() -> None:
    """A child could not enter its namespaces: use Landlock alone from now on."""
    support().namespaces = False


class Prepared:
    """A sandbox ready for one command. ``preexec`` is what the child runs before exec
    (None: nothing to apply); ``label`` is what the result reports (the mode, or
    ``"none"`` when the kernel offers nothing); ``warning`` what to tell the person,
    at most once per process for each kind of shortfall. ``close()`` after the spawn."""

    def __init__(self, label: str, preexec: Callable[[], None] | None = None, *, warning: str | None = None, namespaces: bool = False, ruleset: landlock.Ruleset | None = None) -> None:
        self.label, self.preexec, self.warning, self.namespaces, self._ruleset = label, preexec, warning, namespaces, ruleset

    @property
    def enforced(self) -> bool:
        return self.preexec is not None

    def close(self) -> None:
        if self._ruleset is not None:
            self._ruleset.close()


def prepare(policy: Policy, *, cwd: Path | None = None, support: Support | None = None, namespaces: bool | None = None) -> Prepared:
    """The sandbox for one command under ``policy``, started in ``cwd``.

    ``namespaces`` forces the namespace layer on or off (default: use it unless it has
    been refused on this machine)."""
    found = support if support is not None else _probe()
    if policy.mode == "off":
        return Prepared("off")
    if not found.landlock:
        return Prepared("none", warning=_once(f"no sandbox: {found.reason}; commands run with only the permission rules to stop them"))
    use_namespaces = namespaces if namespaces is not None else found.namespaces is not False
    ruleset = landlock.Ruleset(found.landlock, network=policy.network)
    try:
        _allow(ruleset, policy, punch=not use_namespaces)
        preexec = ruleset.enforcer()
        if use_namespaces:
            from . import namespaces as ns

            protected = [str(p) for p in policy.protected if p.exists() or p.is_symlink()]
            enter = ns.entry(network=policy.network, read_only=protected, cwd=str(cwd) if cwd else None)
            preexec = _chain([enter, preexec])
    except BaseException:
        ruleset.close()
        raise
    return Prepared(policy.mode, preexec, warning=_shortfall(policy, found, use_namespaces, ruleset), namespaces=use_namespaces, ruleset=ruleset)


def _shortfall(policy: Policy, found: Support, namespaces: bool, ruleset: landlock.Ruleset) -> str | None:
    """What this sandbox cannot do that the policy asks for, said once per process."""
    if namespaces:
        return None
    if not policy.network and not ruleset.blocks_network:
        return _once("the network is not blocked: that needs Landlock ABI 4 (Linux 6.7) or user namespaces")
    if found.namespaces is not False:
        return None
    losses = []
    if policy.protected:
        losses.append("nothing new can be made at the top of the project (that keeps .git read-only)")
    if not policy.network:
        losses.append("without network only TCP is blocked")
    return _once(f"user namespaces are refused here, so the sandbox is Landlock alone: {' and '.join(losses)}") if losses else None


def _allow(ruleset: landlock.Ruleset, policy: Policy, *, punch: bool) -> None:
    """Reading everywhere, the harmless devices, and the writable folders (with the
    protected paths cut out of them by Landlock alone when ``punch``)."""
    ruleset.allow("/", landlock.READ)
    for device in DEVICES:
        ruleset.allow(device, landlock.DEVICE)
    for folder in policy.writable:
        inside = [p for p in policy.protected if p != folder and folder in p.parents]
        if punch and inside:
            _allow_around(ruleset, folder, inside)
        else:
            ruleset.allow(folder, landlock.WRITE)


def _allow_around(ruleset: landlock.Ruleset, folder: Path, protected: list[Path]) -> None:
    """Allow writing in everything beneath ``folder`` except the protected paths.

    Landlock rules cover whole trees, so this allows each entry beside the way down
    to a protected path, one level at a time; the folders on that way stay as they
    are (nothing new can be made directly in them). Symbolic links are not followed."""
    import os

    for entry in os.scandir(folder):
        path = folder / entry.name
        below = [p for p in protected if p == path or path in p.parents]
        if not below:
            ruleset.allow(path, landlock.WRITE, follow=False)
        elif path not in below and entry.is_dir(follow_symlinks=False):
            _allow_around(ruleset, path, below)


def _chain(steps: list[Callable[[], None]]) -> Callable[[], None]:
    def run_all() -> None:
        for step in steps:
            step()

    return run_all


def _once(message: str) -> str | None:
    if message in _said:
        return None
    _said.add(message)
    return message
