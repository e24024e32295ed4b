"""File helpers every writing tool shares: folders opened without following links,
atomic replacement, writer locks, stamps of what was read, text/binary detection.

Why a ``Folder`` and not paths: a path is looked up again by every system call, so a
folder swapped for a symbolic link between the check of a path and the write through
it would send the write outside the project. A ``Folder`` is opened once, one
component at a time from the file system's root, refusing links (the paths tools get
are already resolved, so a link on the way means something changed under us); what
happens in it then goes by name relative to that open folder.

Why a lock: two writers that each read, change and write back a file lose one change
between them. Writers hold their folder's lock (``flock``) from reading to replacing,
so the second reads what the first wrote, and each replacement checks first that the
file is still what was read (``Stamp``), which catches writers that take no lock.

Why no temporary file is left when a writer is killed: the new content is written to
an unnamed file (``O_TMPFILE``) that gets a name only the moment before it is renamed
over the target; where that is unavailable, temporary files of killed writers (their
names carry the writer's process id) are removed by the next write of the same file.
"""

from __future__ import annotations

import errno
import os
import stat as st
from pathlib import Path

BINARY_SAMPLE = 8192

#: How long a writer waits for another writer of the same folder to finish.
LOCK_TIMEOUT = 60.0

_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
_TMPFILE = getattr(os, "O_TMPFILE", 0)

KINDS = {
    st.S_IFDIR: "a directory",
    st.S_IFIFO: "a FIFO (named pipe)",
    st.S_IFSOCK: "a socket",
    st.S_IFCHR: "a character device",
    st.S_IFBLK: "a block device",
    st.S_IFLNK: "a symbolic link",
}

#: ``Folder.replace(expect=ABSENT)``: the file must not exist yet.
ABSENT = ("absent",)


class NotRegularFile(OSError):
    """The name is a folder, FIFO, socket, device or link: ``kind`` says which."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"not a regular file: {kind}")
        self.kind = kind


class FileChanged(OSError):
    """The file is not what was read any more: someone else wrote it meanwhile."""


class FolderBusy(OSError):
    """Another writer held the folder's lock for longer than ``LOCK_TIMEOUT``."""


def stamp(status: os.stat_result | None) -> tuple:
    """What identifies a file's state: device, inode, nanosecond mtime and size
    (``ABSENT`` for no file). An atomic replacement changes the inode."""
    if status is None:
        return ABSENT
    return (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_size)


def content_stamp(data: bytes) -> tuple[int, bytes]:
    """The size and a digest of ``data``: what the read-before-edit rule compares, so
    a rewrite with the same size within one timestamp tick is still noticed."""
    from hashlib import blake2b

    return len(data), blake2b(data, digest_size=16).digest()


def check_regular(status: os.stat_result) -> None:
    if not st.S_ISREG(status.st_mode):
        raise NotRegularFile(KINDS.get(st.S_IFMT(status.st_mode), "not a regular file"))


class Folder:
    """An open folder; see the module docstring. ``links=True`` follows links on the
    way (for paths the program chose itself, like its data folder); ``create`` makes
    missing folders. Close it (or use ``with``) to release the descriptor and lock."""

    def __init__(self, path: Path, *, create: bool = False, links: bool = False) -> None:
        self.path = path
        if links:
            if create:
                os.makedirs(path, exist_ok=True)
            self.fd = os.open(path, _DIR)
        else:
            self.fd = _walk(path, create)

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def identity(self) -> tuple[int, int]:
        status = os.fstat(self.fd)
        return status.st_dev, status.st_ino

    def lock(self, timeout: float = LOCK_TIMEOUT) -> None:
        """Take the folder's writer lock, waiting at most ``timeout`` seconds."""
        import fcntl
        import time

        deadline, pause = time.monotonic() + timeout, 0.001
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FolderBusy(f"{self.path} stayed locked by another writer for {timeout:.0f} s") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.05)

    def status(self, name: str) -> os.stat_result | None:
        """The entry's own status (a link is not followed); None when there is none."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def read(self, name: str) -> tuple[bytes, os.stat_result]:
        """The bytes of regular file ``name`` and its status. Anything else is refused
        before it is opened (``NotRegularFile``), so a FIFO cannot block the reader."""
        status = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        check_regular(status)
        fd = os.open(name, _READ, dir_fd=self.fd)
        with open(fd, "rb", buffering=0) as handle:
            check_regular(os.fstat(fd))  # swapped for something else since the check
            data = handle.readall()
            return data, os.fstat(fd)

    def replace(self, name: str, data: bytes, mode: int | None = None, expect: tuple | None = None) -> None:
        """Put ``data`` in ``name`` atomically: readers see the old file or the new.

        An existing file keeps its mode unless ``mode`` is given, which then applies
        from the first byte written. With ``expect`` (a ``stamp``), the file must still
        be in that state just before the rename, or ``FileChanged`` is raised.
        """
        current = self.status(name)
        if current is not None and not (st.S_ISREG(current.st_mode) or st.S_ISLNK(current.st_mode)):
            check_regular(current)
        if mode is None and current is not None and st.S_ISREG(current.st_mode):
            mode = current.st_mode & 0o7777
        self._sweep(name)
        fd, temp = self._temporary(name, mode)
        try:
            with open(fd, "wb", closefd=False) as handle:
                handle.write(data)
            if mode is not None:
                os.fchmod(fd, mode)
            os.fsync(fd)
            if temp is None:
                temp = _temp_name(name)
                os.link(f"/proc/self/fd/{fd}", temp, dst_dir_fd=self.fd)
            if expect is not None and stamp(self.status(name)) != expect:
                raise FileChanged(f"{name} changed since it was read")
            os.replace(temp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            if temp is not None:
                self.remove(temp, missing_ok=True)
            raise
        finally:
            os.close(fd)

    def remove(self, name: str, missing_ok: bool = False) -> None:
        try:
            os.unlink(name, dir_fd=self.fd)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def _temporary(self, name: str, mode: int | None) -> tuple[int, str | None]:
        """A descriptor to write the new content to, and its name (None: unnamed)."""
        create_mode = 0o666 if mode is None else mode
        if _TMPFILE and _PROC_FD:
            try:
                return os.open(".", _TMPFILE | os.O_WRONLY, create_mode, dir_fd=self.fd), None
            except OSError as exc:
                if exc.errno not in _NO_TMPFILE:
                    raise
        temp = _temp_name(name)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
        return os.open(temp, flags, create_mode, dir_fd=self.fd), temp

    def _sweep(self, name: str) -> None:
        """Remove temporary files of ``name`` whose writer was killed."""
        prefix = f".{name}."
        try:
            names = os.listdir(self.fd)
        except OSError:
            return
        for entry in names:
            if entry.startswith(prefix) and entry.endswith(".tmp"):
                pid, _, tag = entry[len(prefix) : -4].partition(".")
                if pid.isdigit() and len(tag) == 8 and _gone(int(pid)):
                    self.remove(entry, missing_ok=True)


def _walk(path: Path, create: bool) -> int:
    """Open folder ``path`` from ``/`` one component at a time, refusing links."""
    if not path.is_absolute():
        raise ValueError(f"not an absolute path: {path}")
    fd = os.open(path.anchor, _DIR)
    try:
        for part in path.parts[1:]:
            try:
                child = os.open(part, _DIR | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(part, dir_fd=fd)
                except FileExistsError:
                    pass
                child = os.open(part, _DIR | _NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _temp_name(name: str) -> str:
    return f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"


def _gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


_PROC_FD = os.path.isdir("/proc/self/fd") if _TMPFILE else False
#: What ``open(O_TMPFILE)`` fails with where the kernel or file system lacks it.
_NO_TMPFILE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOTSUP}


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    For files the program keeps itself (sessions, config, keys): parent folders are
    made and followed as they are. ``mode`` as for ``Folder.replace`` (``0o600`` for
    files holding keys). Tools write through a ``Folder`` of their own.
    """
    with Folder(path.parent, create=True, links=True) as folder:
        folder.replace(path.name, data, mode)


def looks_binary(sample: bytes) -> bool:
    """True for data that is not text: a NUL byte, or mostly control characters."""
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(sample) > 0.3


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (a BOM kept as U+FEFF), undecodable bytes replaced."""
    return data.decode("utf-8", errors="replace")


def count_lines(text: str) -> int:
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)
