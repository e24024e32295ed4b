"""Where sessions live on disk, and saving, finding, listing and deleting them.

One JSON file per session, named ``session_{YYYY-MM-DD_HH-MM-SS}_{short_id}.json``
after its local creation time, so a folder listing sorts by age and a person can find
"the one from this morning" without opencode. The folder follows the spec's rule
(``sessions_dir``); lookups also search the other folders that apply, so a session saved
from the project root is still found from a subfolder.

Saves are atomic (temporary file, fsync, rename): the agent loop saves after every
completed part, and a killed process must leave the previous save, never half a file.
A run that continues a session holds its lock (``locked``) from loading it to its last
save, so two runs on one session (two server workers, a server and a terminal) take
turns instead of each writing back its own copy over the other's.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..errors import NotFound, UsageError
from .fileformat import SessionFileError
from .model import SHORT_ID, Session, parse_time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Mapping

    from ..secrets import Redactor
    from .lock import SessionLock

PREFIX = "session_"
SUFFIX = ".json"
LIST_HINT = "see 'opencode session list' for the ids"


# -- location ------------------------------------------------------------------


def _project_dir(config: Any, root: Path) -> Path | None:
    """The configured ``project_dir`` as an absolute path (relative to the project root)."""
    value = config.get("project_dir") if config is not None else None
    if not value:
        return None
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else (root / path)


def _has_marker(directory: Path) -> bool:
    from ..paths import ROOT_MARKERS

    return any((directory / marker).exists() for marker in ROOT_MARKERS)


def sessions_dir(config: Any, cwd: Path, data_dir: Path) -> Path:
    """The folder new sessions are saved in, by the spec's rule, first match wins:

    1. ``project_dir`` set in the config: ``{project_dir}/docs/opencode/sessions/``;
    2. running from the project root (``cwd`` holds ``.git`` or ``opencode.toml``):
       ``./docs/sessions/``;
    3. otherwise the data directory's ``sessions/``.
    """
    from ..paths import find_project_root

    root = find_project_root(cwd)
    configured = _project_dir(config, root)
    if configured is not None:
        return configured / "docs" / "opencode" / "sessions"
    if root == cwd.resolve() and _has_marker(root):
        return root / "docs" / "sessions"
    return data_dir / "sessions"


def search_dirs(config: Any, cwd: Path, data_dir: Path) -> list[Path]:
    """Every folder a session of this project may be in: the current rule's first,
    then the configured ``project_dir``'s, the project root's, the data directory's."""
    from ..paths import find_project_root

    root = find_project_root(cwd)
    candidates = [sessions_dir(config, cwd, data_dir)]
    configured = _project_dir(config, root)
    if configured is not None:
        candidates.append(configured / "docs" / "opencode" / "sessions")
    if _has_marker(root):
        candidates.append(root / "docs" / "sessions")
    candidates.append(data_dir / "sessions")
    unique: list[Path] = []
    for folder in candidates:
        if folder not in unique:
            unique.append(folder)
    return unique


def file_name(session: Session) -> str:
    """``session_{YYYY-MM-DD_HH-MM-SS}_{short_id}.json``, in local time of creation."""
    created = parse_time(session.created) or datetime.now().astimezone()
    stamp = created.astimezone().strftime("%Y-%m-%d_%H-%M-%S")
    return f"{PREFIX}{stamp}_{session.short_id}{SUFFIX}"


def _short_id_of(path: Path) -> str | None:
    """The short id in a session file name, or None for a file that is not one."""
    name = path.name
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        return None
    short = name[: -len(SUFFIX)].rsplit("_", 1)[-1]
    return short if len(short) == SHORT_ID else None


# -- the store -----------------------------------------------------------------


class SessionStore:
    """Sessions of one project: saved into ``directory``, looked up in ``dirs``.

    Every saved file and everything ``redact`` is given has its secrets masked (see
    ``opencode.secrets``): by ``redactor`` when given, else by one made from
    ``env``.
    """

    def __init__(
        self,
        directory: Path,
        dirs: Iterable[Path] = (),
        project: Path | None = None,
        env: Mapping[str, str] | None = None,
        redactor: Redactor | None = None,
        locks: Path | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.locks = locks
        self.dirs = [self.directory, *(Path(d) for d in dirs if Path(d) != self.directory)]
        self.project = project
        self.env = env
        #: Files skipped by ``list`` because they could not be read, with the reason.
        self.problems: list[str] = []
        self._redactor = redactor
        self._ignored: set[Path] = set()  # folders known to hold their .gitignore already

    @classmethod
    def open(
        cls, config: Any, cwd: Path, data_dir: Path, env: Mapping[str, str] | None = None, redactor: Redactor | None = None
    ) -> SessionStore:
        """The store for a command run in ``cwd`` with this config and data directory."""
        from ..paths import find_project_root

        return cls(
            sessions_dir(config, cwd, data_dir),
            search_dirs(config, cwd, data_dir),
            project=find_project_root(cwd),
            env=env,
            redactor=redactor,
            locks=data_dir / "locks",
        )

    # -- writing -------------------------------------------------------------

    def create(
        self,
        title: str = "",
        agent: str | None = None,
        model: str | None = None,
        parent_id: str | None = None,
    ) -> Session:
        """A new session of this project, not yet saved (the first ``save`` writes it).

        Without a title, the first user prompt gives one.
        """
        session = Session.new(str(self.project or self.directory), title=title, agent=agent, model=model, parent_id=parent_id)
        while self._matches(session.short_id) or (self.directory / file_name(session)).exists():
            session.id = Session.new("").id  # a short id already taken: keep them unique
        session.path = self.directory / file_name(session)
        return session

    def save(self, session: Session, touch: bool = True) -> Path:
        """Write ``session`` atomically to its file, secrets masked; returns the path."""
        from ..fsutil import atomic_write

        if touch:
            session.touch()
        if session.path is None:
            session.path = self.directory / file_name(session)
        if session.path.parent not in self._ignored:
            _ignored_by_git(session.path.parent)
            self._ignored.add(session.path.parent)
        atomic_write(session.path, self.dumps(session))
        return session.path

    def dumps(self, session: Session) -> bytes:
        """The file's bytes: indented JSON (diffable in git), secrets masked."""
        data = self.redact(session.to_dict())
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def redact(self, value: Any) -> Any:
        """A copy of a JSON-like value with every secret masked."""
        if self._redactor is None:
            from ..secrets import Redactor

            self._redactor = Redactor(self.env or {})
        return self._redactor.value(value)

    def locked(self, session_id: str, wait: float = 30.0) -> SessionLock:
        """The lock of one session (its full id), across processes: ``async with
        store.locked(id):``. Locks live in the data directory's ``locks/`` (every
        process of this user finds them there, whatever folder it runs in), or in the
        sessions folder's ``.locks/`` for a store opened without one."""
        from .lock import SessionLock

        folder = self.locks or self.directory / ".locks"
        return SessionLock(folder / f"{session_id.lower()}.lock", session_id, wait)

    def delete(self, id_or_prefix: str) -> Path:
        """Remove a session's file; returns the path it had."""
        path = self.find(id_or_prefix)
        path.unlink()
        return path

    # -- reading -------------------------------------------------------------

    def load(self, id_or_prefix: str) -> Session:
        """The session whose id is ``id_or_prefix`` or starts with it (unique prefix)."""
        return read_session(self.find(id_or_prefix))

    def find(self, id_or_prefix: str) -> Path:
        """The file of the one session matching ``id_or_prefix``."""
        return self.resolve(id_or_prefix)[1]

    def resolve(self, id_or_prefix: str) -> tuple[str, Path]:
        """(full id, file) of the one session whose id is or starts with ``id_or_prefix``.

        Unknown or ambiguous ids are usage errors (exit 2) that say what to do.
        """
        wanted = id_or_prefix.strip().lower()
        if not wanted or any(c not in "0123456789abcdef" for c in wanted):
            raise UsageError(f"not a session id: {id_or_prefix!r}", hint=LIST_HINT)
        matches = self._matches(wanted)
        if not matches:
            raise NotFound(f"no session {id_or_prefix}", hint=LIST_HINT)
        if len(matches) > 1:
            listed = ", ".join(sorted(matches))
            raise UsageError(f"ambiguous session id {id_or_prefix}: matches {listed}", hint="give more characters of the id")
        return next(iter(matches.items()))

    def exists(self, session_id: str) -> Path | None:
        """The file of the session with exactly this id, if there is one."""
        return self._matches(session_id.lower()).get(session_id.lower())

    def _matches(self, wanted: str) -> dict[str, Path]:
        """Full id → file for every session whose id starts with ``wanted``; the first
        folder in ``dirs`` wins when one id is in two folders."""
        found: dict[str, Path] = {}
        short = wanted[:SHORT_ID]
        for path in self._files():
            file_short = _short_id_of(path)
            if file_short is None or not file_short.startswith(short):
                continue
            if len(wanted) <= SHORT_ID:
                full = _peek_id(path) or file_short
            else:
                full = _peek_id(path)
                if full is None or not full.startswith(wanted):
                    continue
            found.setdefault(full, path)
        return found

    def _files(self) -> list[Path]:
        files: list[Path] = []
        for folder in self.dirs:
            try:
                files += sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())
            except OSError:
                continue
        return files

    def sessions(self) -> list[Session]:
        """Every readable session in the store's folders, newest first by creation.

        Unreadable files are skipped and noted in ``problems``.
        """
        seen: dict[str, Session] = {}
        self.problems = []
        for path in self._files():
            try:
                session = read_session(path)
            except UsageError as error:
                self.problems.append(error.message)
                continue
            seen.setdefault(session.id, session)
        return sorted(seen.values(), key=lambda s: _sort_key(s.created), reverse=True)

    def list(self) -> list[dict[str, Any]]:
        """Summaries (``Session.summary``) of every session, newest first."""
        return [session.summary() for session in self.sessions()]

    def latest(self, include_subagents: bool = False) -> Session | None:
        """The most recently updated session (what ``--continue`` resumes).

        Subagent sessions (those with a ``parent_id``) are left out unless asked for:
        continuing means continuing the user's conversation, not a ``task`` it spawned.
        """
        candidates = [s for s in self.sessions() if include_subagents or s.parent_id is None]
        if not candidates:
            return None
        return max(candidates, key=lambda s: (_sort_key(s.updated), _sort_key(s.created)))

    def children(self, session_id: str) -> list[Session]:
        """The subagent sessions started from ``session_id``."""
        return [s for s in self.sessions() if s.parent_id == session_id]


def _ignored_by_git(folder: Path) -> None:
    """Give a sessions folder a ``.gitignore`` of ``*``: sessions are the agent's memory,
    not the project's files, so git, ``ls``, ``glob`` and ``grep`` pass them by (and
    a model searching the project does not read its own history back)."""
    marker = folder / ".gitignore"
    if not marker.exists():
        from ..fsutil import atomic_write

        atomic_write(marker, b"*\n")


def read_session(path: Path) -> Session:
    """A session from its file; unreadable or malformed files are usage errors."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SessionFileError(f"{path}: cannot read: {exc.strerror}") from exc
    return Session.from_dict(parse_json(raw, str(path)), path=path)


def parse_json(raw: bytes | str, source: str) -> dict[str, Any]:
    """The JSON object in ``raw``, or a ``SessionFileError`` naming ``source``."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SessionFileError(f"{source}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SessionFileError(f"{source}: not a session file (expected a JSON object)")
    return data


def _peek_id(path: Path) -> str | None:
    """The full id inside a session file, None when it cannot be read."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _sort_key(stamp: str) -> float:
    parsed = parse_time(stamp)
    return parsed.timestamp() if parsed is not None else 0.0
