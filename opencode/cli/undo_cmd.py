"""``opencode undo``: put the files back as they were before the last agent turn."""

from __future__ import annotations

import click

from .. import protocol
from ..errors import UsageError
from .clickutil import leaf


@click.command()
@click.option("--session", "session_id", metavar="ID", help="Undo in this session (default: the last one)")
@leaf
def undo(runtime, session_id: str | None) -> None:
    """Restore the project's files to the snapshot taken before the last turn that
    changed them. Repeat to step further back."""
    from ..session.store import SessionStore
    from .agentrun import snapshots_for

    store = SessionStore.for_runtime(runtime)
    session = store.load(session_id) if session_id else store.latest()
    if session is None:
        raise UsageError("no session here to undo", hint="opencode session list")
    if not session.snapshots:
        raise UsageError(f"session {session.short_id} has no file changes to undo")
    point = session.snapshots.pop()
    restored = snapshots_for(runtime, store).restore(point["tree"])
    store.save(session)
    text = f"restored {len(restored)} files of session {session.short_id}\n" + "".join(f"  {path}\n" for path in restored)
    runtime.emit(protocol.record("undo", session_id=session.id, tree=point["tree"], restored=restored, text=text))
