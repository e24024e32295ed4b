"""The three Landlock system calls through ctypes: what the kernel offers, a ruleset
built in the parent, and enforcing it in the child just before exec.

Landlock (Linux 5.13 and later) lets an unprivileged process restrict itself and
everything it starts, irrevocably. A ruleset names the kinds of access it *handles*;
once enforced, every handled access is denied except beneath the paths a rule
allows. Rights newer than the running kernel are left out of the ruleset (the kernel
refuses rights it does not know), so one ruleset works on every Landlock kernel and
gets the most that kernel can enforce.

Why our own module rather than a binding from the package index: the child runs
between fork and exec, where only a few prepared calls are safe, and we need nothing
but ``create_ruleset``, ``add_rule`` and ``restrict_self`` (plus ``prctl``). Building
the ruleset here, in the parent, leaves the child two ctypes calls on an open file
descriptor.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

# System call numbers: Linux gave these the same number on every architecture.
CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

# File-system rights (linux/landlock.h), and the ABI version that added each group.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER = 1 << 13  # ABI 2: link or rename into another folder
TRUNCATE = 1 << 14  # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5
BIND_TCP, CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

#: Rights that make sense on a file (a rule on a file with any other is refused).
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
#: What every path gets: read, list, run.
READ = EXECUTE | READ_FILE | READ_DIR
#: What a writable folder gets: everything but making device nodes, which would let a
#: command reach a disk or a terminal through a node of its own.
WRITE = ((1 << 16) - 1) & ~(MAKE_CHAR | MAKE_BLOCK)
#: What a harmless device (/dev/null and friends) gets.
DEVICE = READ_FILE | WRITE_FILE | TRUNCATE | IOCTL_DEV


def fs_rights(abi: int) -> int:
    """The file-system rights a kernel of Landlock ABI ``abi`` handles."""
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is packed: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc: ctypes.CDLL | None = None


def libc() -> ctypes.CDLL:
    """The C library, loaded once (``CDLL(None)``: the one the interpreter uses)."""
    global _libc
    if _libc is None:
        loaded = ctypes.CDLL(None, use_errno=True)
        loaded.syscall.restype = ctypes.c_long
        loaded.prctl.restype = ctypes.c_int
        loaded.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        _libc = loaded
    return _libc


def _syscall(number: int, *args: object) -> int:
    return int(libc().syscall(ctypes.c_long(number), *args))


def abi_version() -> tuple[int, str]:
    """The Landlock ABI version the kernel offers (0: none), and why not when 0."""
    if not sys.platform.startswith("linux"):
        return 0, f"Landlock is a Linux feature and this is {sys.platform}"
    try:
        version = _syscall(CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError) as exc:
        return 0, f"the C library cannot make system calls here ({exc})"
    if version >= 1:
        return version, ""
    code = ctypes.get_errno()
    reasons = {
        errno.ENOSYS: "the kernel has no Landlock (it needs Linux 5.13 or later built with Landlock)",
        errno.EOPNOTSUPP: "Landlock is turned off in this kernel (it must be listed in the lsm= boot parameter)",
        errno.EPERM: "Landlock system calls are blocked here (a seccomp filter, as in some containers)",
    }
    return 0, reasons.get(code, f"Landlock is unavailable: {os.strerror(code)}")


class Ruleset:
    """A ruleset built in the parent: ``allow`` paths, then hand ``enforcer()`` to the
    child. ``network=False`` denies every TCP connect and bind (ABI 4 and later);
    signals to processes outside the sandbox are always refused (ABI 6), and so,
    without network, are abstract Unix sockets outside it."""

    def __init__(self, abi: int, *, network: bool) -> None:
        self.abi = abi
        self.handled = fs_rights(abi)
        net = 0 if network or abi < 4 else BIND_TCP | CONNECT_TCP
        scoped = 0 if abi < 6 else SCOPE_SIGNAL | (0 if network else SCOPE_ABSTRACT_UNIX_SOCKET)
        self.blocks_network = bool(net)
        attr = _RulesetAttr(self.handled, net, scoped)
        size = 8 if abi < 4 else 16 if abi < 6 else 24  # what that ABI's struct holds
        self.fd = self._check(_syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)), "create a ruleset")

    def allow(self, path: str | os.PathLike[str], rights: int, *, follow: bool = True) -> bool:
        """Allow ``rights`` on ``path`` and, for a folder, all beneath it. False when
        the path is not there (nothing to allow); rights a file cannot have are dropped."""
        flags = os.O_PATH | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
        try:
            fd = os.open(path, flags)
        except OSError:
            return False
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISLNK(mode):
                return False
            if not stat.S_ISDIR(mode):
                rights &= FILE_RIGHTS
            attr = _PathBeneathAttr(rights & self.handled, fd)
            if attr.allowed_access:
                self._check(_syscall(ADD_RULE, ctypes.c_long(self.fd), ctypes.c_long(RULE_PATH_BENEATH), ctypes.byref(attr), ctypes.c_long(0)), f"allow {path}")
        finally:
            os.close(fd)
        return True

    def enforcer(self) -> Callable[[], None]:
        """The child's part: ``no_new_privs`` (so no setuid program sheds the rules),
        then ``restrict_self``. Built here so the child only calls prepared functions."""
        loaded = libc()
        prctl, syscall = loaded.prctl, loaded.syscall
        number, fd, zero = ctypes.c_long(RESTRICT_SELF), ctypes.c_long(self.fd), ctypes.c_long(0)

        def enforce() -> None:
            if prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or syscall(number, fd, zero) != 0:
                code = ctypes.get_errno()
                raise OSError(code, f"cannot enforce the Landlock ruleset: {os.strerror(code)}")

        return enforce

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    @staticmethod
    def _check(result: int, what: str) -> int:
        if result < 0:
            code = ctypes.get_errno()
            raise OSError(code, f"Landlock: cannot {what}: {os.strerror(code)}")
        return result
