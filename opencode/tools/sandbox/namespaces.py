"""The namespace layer under Landlock: a user namespace, a mount namespace in which
the project's ``.git`` is a read-only bind mount, and, without network, a network
namespace of its own.

Why: Landlock grants rights on whole trees, so "the project is writable but not its
``.git``" is not a Landlock rule; a read-only bind mount says it exactly. An empty
network namespace has no interface up, which stops UDP and everything else that
Landlock's TCP rules do not cover. And a user namespace takes root's capabilities in
the machine's own namespace away (no loading kernel modules, no entering other
namespaces), so a command run as root cannot undo the rest.

Everything is computed in the parent; ``entry()`` returns the child's part, which
makes a few system calls and writes three small files under /proc/self. Where the
kernel or a security policy refuses user namespaces (some containers, AppArmor's
``restrict_unprivileged_userns``), the child fails before exec and the caller runs
the command again with Landlock alone (see ``sandbox.prepare``).
"""

from __future__ import annotations

import ctypes
import os

from .landlock import libc as load_libc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Sequence

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC = 32, 1024, 2048, 4096, 16384
MS_RELATIME, MS_STRICTATIME = 1 << 21, 1 << 24
ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_NOATIME, ST_NODIRATIME, ST_RELATIME = 2, 4, 8, 1024, 2048, 4096


def remount_flags(path: str) -> int:
    """The flags that remount ``path``'s bind mount read-only.

    In a user namespace the flags of the mount being copied are locked: a remount
    that drops ``nosuid``, ``nodev``, ``noexec`` or changes the atime setting is
    refused, so they are carried over from what ``statvfs`` says."""
    found = os.statvfs(path).f_flag
    flags = MS_BIND | MS_REMOUNT | MS_RDONLY
    for st_flag, ms_flag in ((ST_NOSUID, MS_NOSUID), (ST_NODEV, MS_NODEV), (ST_NOEXEC, MS_NOEXEC), (ST_NODIRATIME, MS_NODIRATIME)):
        if found & st_flag:
            flags |= ms_flag
    if found & ST_NOATIME:
        flags |= MS_NOATIME
    elif found & ST_RELATIME:
        flags |= MS_RELATIME
    else:
        flags |= MS_STRICTATIME
    return flags


def entry(*, network: bool, read_only: Sequence[str], cwd: str | None) -> Callable[[], None]:
    """The child's part: enter new namespaces, map our own user and group to
    themselves, bind every path of ``read_only`` read-only over itself, and go back
    into ``cwd`` (a working directory inside a path just made read-only must be
    reached through the new mount, not the old one)."""
    libc = load_libc()
    unshare, mount = libc.unshare, libc.mount
    mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
    flags = CLONE_NEWUSER | CLONE_NEWNS | (0 if network else CLONE_NEWNET)
    maps = (
        (b"/proc/self/setgroups", b"deny"),
        (b"/proc/self/uid_map", b"%d %d 1" % (os.geteuid(), os.geteuid())),
        (b"/proc/self/gid_map", b"%d %d 1" % (os.getegid(), os.getegid())),
    )
    binds = [(os.fsencode(path), remount_flags(path)) for path in read_only]

    def fail(what: str) -> None:
        code = ctypes.get_errno()
        raise OSError(code, f"sandbox: cannot {what}: {os.strerror(code)}")

    def enter() -> None:
        if unshare(flags) != 0:
            fail("create namespaces")
        for name, text in maps:
            fd = os.open(name, os.O_WRONLY)
            try:
                os.write(fd, text)
            finally:
                os.close(fd)
        for path, remount in binds:
            if mount(path, path, None, MS_BIND | MS_REC, None) != 0 or mount(None, path, None, remount, None) != 0:
                fail(f"make {os.fsdecode(path)} read-only")
        if cwd is not None:
            os.chdir(cwd)

    return enter
