"""Sessions: conversations saved as one JSON file each, resumable, exportable.

    from opencode.session import SessionStore, text_part, tool_part

    store = SessionStore.open(config, cwd, data_dir, env)   # what Workspace.sessions is
    session = store.create(agent="build", model="anthropic/claude-sonnet-4")
    session.add_message("user", [text_part("fix the failing test")])
    reply = session.add_message("assistant", agent="build", model=session.model)
    call = session.add_part(reply, tool_part("call_1", "read", {"path": "a.py"}))
    store.save(session)                                # after every completed part
    session.update_part(call, status="completed", output="...")
    store.save(session)

Nothing here knows of terminals; the session operations people use (list, show,
export, import, undo, ...) are ``opencode.app.sessions``. This package imports only the
standard library (``snapshot`` is a separate module).
"""

from __future__ import annotations

from .fileformat import FORMAT, UPGRADES, SessionFileError
from .model import (
    ROLES,
    TOOL_STATUSES,
    Session,
    reasoning_part,
    snapshot_part,
    text_part,
    title_from_prompt,
    tool_part,
)
from .store import SessionStore, file_name, read_session, search_dirs, sessions_dir

__all__ = [
    "FORMAT",
    "ROLES",
    "TOOL_STATUSES",
    "UPGRADES",
    "Session",
    "SessionFileError",
    "SessionStore",
    "file_name",
    "read_session",
    "reasoning_part",
    "search_dirs",
    "sessions_dir",
    "snapshot_part",
    "text_part",
    "title_from_prompt",
    "tool_part",
]
