"""Where a running ``opencode serve`` can be found by the same user's commands, and how
it proves it is the one that user started.

A server publishes one small file per (working directory, data directory, settings)
in a folder only its user can enter: its URL, its process id and a random token. A
command that would run the very same work in-process (``opencode ask``, ``opencode
run``) looks for that file first: not there is one failed ``open``, so a machine with
no server pays nothing. A file it would trust must belong to this user and be
readable by nobody else, and its process must be alive. Before anything is sent, the
server must answer a fresh nonce with ``HMAC(token, nonce)``: a process of another
user that took the port after ours died knows no token, gets no prompt and is never
believed. Requests then carry the token, so the server knows them for this user's.

The key covers what would make the server's run differ from the command's own: the
working directory, the data directory and the environment settings that choose config,
models and keys. A command with other settings runs in-process.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping

#: Environment variables that change what a run does (config, models, keys).
_SETTING_PREFIXES = ("OPENCODE_",)
_SETTING_SUFFIXES = ("_API_KEY", "_API_BASE", "_BASE_URL")
#: Variables that only say whether to attach, not what a run does.
_NOT_SETTINGS = {"OPENCODE_NO_ATTACH", "OPENCODE_ATTACH", "OPENCODE_SERVER_PASSWORD"}


@dataclass(frozen=True)
class Published:
    """A server's entry: where it listens and the secret it proves itself with."""

    url: str
    token: str
    pid: int

    def proof(self, nonce: str) -> str:
        return prove(self.token, nonce)


def prove(token: str, nonce: str) -> str:
    return hmac.new(token.encode(), nonce.encode(), hashlib.sha256).hexdigest()


def proven(token: str, nonce: str, proof: str) -> bool:
    return hmac.compare_digest(prove(token, nonce), proof)


def folder(env: Mapping[str, str], data_dir: Path) -> Path:
    """The user's runtime folder for servers: ``$XDG_RUNTIME_DIR/opencode`` when that
    is this user's, else ``servers/`` in the data directory."""
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime:
        try:
            info = os.stat(runtime)
        except OSError:
            info = None
        if info is not None and info.st_uid == os.getuid() and stat.S_ISDIR(info.st_mode):
            return Path(runtime) / "opencode"
    return data_dir / "servers"


def key(cwd: Path, data_dir: Path, env: Mapping[str, str]) -> str:
    settings = sorted(
        (name, value) for name, value in env.items()
        if name not in _NOT_SETTINGS and (name.startswith(_SETTING_PREFIXES) or name.endswith(_SETTING_SUFFIXES))
    )
    material = json.dumps([str(Path(cwd).resolve()), str(Path(data_dir).resolve()), settings])
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def entry_path(cwd: Path, data_dir: Path, env: Mapping[str, str]) -> Path:
    return folder(env, data_dir) / f"{key(cwd, data_dir, env)}.json"


def publish(cwd: Path, data_dir: Path, env: Mapping[str, str], url: str) -> tuple[Path, str]:
    """Write this process's entry (mode 0600 in a 0700 folder, atomically); returns
    its path and the token."""
    path = entry_path(cwd, data_dir, env)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    token = secrets.token_hex(32)
    body = json.dumps({"url": url, "token": token, "pid": os.getpid(), "cwd": str(cwd)}).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.write(descriptor, body)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    return path, token


def withdraw(path: Path, token: str) -> None:
    """Remove this server's entry, unless another server has replaced it since."""
    found = _read(path)
    if found is not None and hmac.compare_digest(found.token, token):
        path.unlink(missing_ok=True)


def lookup(cwd: Path, data_dir: Path, env: Mapping[str, str]) -> Published | None:
    """The live server for this directory and settings, or None (the usual case,
    at the cost of one failed open)."""
    path = entry_path(cwd, data_dir, env)
    found = _read(path)
    if found is None:
        return None
    try:
        os.kill(found.pid, 0)
    except ProcessLookupError:
        path.unlink(missing_ok=True)  # its server is gone
        return None
    except PermissionError:
        return None  # a process of another user has that id now
    return found


def _read(path: Path) -> Published | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if info.st_uid != os.getuid() or info.st_mode & 0o077 or not stat.S_ISREG(info.st_mode):
            return None  # not this user's alone: never trusted
        raw = os.read(descriptor, 4096)
    finally:
        os.close(descriptor)
    try:
        data = json.loads(raw)
        return Published(str(data["url"]), str(data["token"]), int(data["pid"]))
    except (ValueError, KeyError, TypeError):
        return None
