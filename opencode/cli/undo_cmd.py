"""``opencode undo``: put the files back as they were before the last agent turn."""

from __future__ import annotations

import click

from .clickutil import leaf


@click.command()
@click.option("--session", "session_id", metavar="ID", help="Undo in this session (default: the last one)")
@leaf
def undo(runtime, session_id: str | None) -> None:
    """Restore the project's files to the snapshot taken before the last turn that
    changed them. Repeat to step further back."""
    from ..app import sessions

    runtime.emit(sessions.undo(runtime.workspace, session_id))
