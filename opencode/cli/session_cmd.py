"""``opencode session list|show|delete|diff|resume|compact``, ``opencode export`` and
``opencode import``: faces of the session operations in ``opencode.app.sessions``.

In a pipe ``list`` writes one ``session`` record per session and ``show`` one
``session_detail`` record holding the whole session; on a terminal both print text.
``export`` writes the session file itself (secrets masked), which ``import`` reads
back, also from a pipe: ``opencode export ID | ssh host opencode import``.
"""

from __future__ import annotations

import click

from ..errors import UsageError
from .clickutil import leaf


@click.group(invoke_without_command=True)
@click.pass_context
def session(ctx: click.Context) -> None:
    """List, show and delete saved sessions. Without a subcommand, list them."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_sessions)


@session.command("list")
@leaf
def list_sessions(runtime) -> None:
    """List the sessions of this project, newest first."""
    from ..app import sessions

    records = sessions.list_sessions(runtime.workspace)
    for record in records:
        runtime.emit(record)
    if not records:
        runtime.out.empty(f"no sessions yet (new ones go to {runtime.workspace.sessions.directory})")


@session.command("show")
@click.argument("session_id", metavar="ID")
@leaf
def show(runtime, session_id: str) -> None:
    """Print a session's messages (the whole session as JSON in a pipe).

    ID is a session id or a unique prefix of one, as 'opencode session list' shows.
    """
    from ..app import sessions

    runtime.emit(sessions.show(runtime.workspace, session_id))


@session.command("delete")
@click.argument("session_ids", nargs=-1, required=True, metavar="ID...")
@leaf
def delete(runtime, session_ids: tuple[str, ...]) -> None:
    """Delete sessions by id (or unique prefix). Nothing is deleted if one is unknown."""
    from ..app import sessions

    for record in sessions.delete(runtime.workspace, list(session_ids)):
        runtime.emit(record)


@click.command()
@click.argument("session_id", metavar="ID")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout")
@leaf
def export(runtime, session_id: str, output: str | None) -> None:
    """Write a session as JSON (secrets masked), to stdout or FILE.

    \b
      opencode export ea99a867 -o session.json
      opencode export ea99a867 | opencode -C ../other import
    """
    from pathlib import Path

    from ..app import sessions

    if output is None or output == "-":
        _, payload = sessions.export(runtime.workspace, session_id)
        runtime.stdout.write(payload)  # the file itself, in every output mode
        runtime.stdout.flush()
        return
    runtime.emit(sessions.export_to(runtime.workspace, session_id, runtime.cwd / Path(output).expanduser()))


@click.command("import")
@click.argument("file", required=False, metavar="[FILE]")
@click.option("--force", is_flag=True, help="Replace a session that has the same id")
@leaf
def import_(runtime, file: str | None, force: bool) -> None:
    """Add a session from a file written by 'opencode export' (or from stdin).

    It keeps its id and goes to this project's sessions folder. An existing session
    with the same id is never replaced without --force.
    """
    from pathlib import Path

    from ..app import sessions

    if file is None or file == "-":
        if not runtime.stdin_piped:
            raise UsageError("name the file to import, or pipe a session in")
        raw, source = runtime.stdin.read(), "stdin"
    else:
        try:
            raw, source = (runtime.cwd / Path(file).expanduser()).read_bytes(), file
        except OSError as exc:
            raise UsageError(f"{file}: cannot read: {exc.strerror}") from exc
    runtime.emit(sessions.import_session(runtime.workspace, raw, source, force))


@session.command("diff")
@click.argument("session_id", metavar="ID")
@leaf
def diff(runtime, session_id: str) -> None:
    """What the session changed in the project's files, as a unified diff."""
    from ..app import sessions

    runtime.emit(sessions.diff(runtime.workspace, session_id))


@session.command("resume")
@click.argument("session_id", metavar="ID")
@click.argument("message", nargs=-1)
@leaf
def resume(runtime, session_id: str, message: tuple[str, ...]) -> None:
    """Continue a session with a new MESSAGE (headless; stdin becomes context)."""
    from .run_cmd import run_agent

    if not message and not runtime.stdin_piped:
        raise UsageError("give a message to continue with", hint=f'opencode session resume {session_id} "next step"')
    raise SystemExit(run_agent(runtime, " ".join(message), session=session_id))


@session.command("compact")
@click.argument("session_id", metavar="ID")
@leaf
def compact(runtime, session_id: str) -> None:
    """Summarize a session now, so that it continues from the summary."""
    from ..app import sessions
    from . import signals

    runtime.emit(signals.run(sessions.compact(runtime.workspace, session_id)))
