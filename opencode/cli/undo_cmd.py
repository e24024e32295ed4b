"""``opencode undo``: put the files back as they were before the last agent turn."""

from __future__ import annotations

import click

from .clickutil import leaf


@click.command()
@click.option("--session", "session_id", metavar="ID", help="Undo in this session (default: the last one)")
@click.option("--list", "list_points", is_flag=True, help="Show the turns that can be undone, the last first")
@leaf
def undo(runtime, session_id: str | None, list_points: bool) -> None:
    """Restore the project's files to the snapshot taken before the last turn (the
    last prompt) that changed them. Repeat to step further back."""
    from ..app import sessions

    if list_points:
        points = sessions.undo_points(runtime.workspace, session_id)
        for record in points:
            runtime.emit(record)
        if not points:
            runtime.out.empty("nothing to undo in this session")
        return
    runtime.emit(sessions.undo(runtime.workspace, session_id))
