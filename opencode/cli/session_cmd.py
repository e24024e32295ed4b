"""``opencode session list|show|delete``, ``opencode export`` and ``opencode import``.

Thin faces over ``opencode.session``: the store finds, reads and writes; these commands
turn sessions into records. In a pipe ``list`` writes one ``session`` record per session
and ``show`` one ``session_detail`` record holding the whole session; on a terminal both
print text. ``export`` writes the session file itself (secrets masked), which ``import``
reads back, also from a pipe: ``opencode export ID | ssh host opencode import``.
"""

from __future__ import annotations

import click

from .. import protocol
from ..errors import UsageError
from .clickutil import leaf

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _store(runtime):
    from ..session import SessionStore

    return SessionStore.for_runtime(runtime)


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
    store = _store(runtime)
    summaries = store.redact(store.list())
    for problem in store.problems:
        runtime.diag.warning(f"skipped {problem}")
    rows = [protocol.record("session", **summary, text=_row(summary)) for summary in summaries]
    if runtime.mode == "human":
        runtime.stdout.write("".join(r["text"] for r in rows) or f"no sessions yet (new ones go to {store.directory})\n")
        runtime.stdout.flush()
        return
    for row in rows:
        runtime.emit(row)


def _row(summary: dict[str, Any]) -> str:
    from ..session.transcript import local_time, money

    who = " ".join(str(summary[k]) for k in ("agent", "model") if summary.get(k))
    parent = f"  (subagent of {summary['parent_id'][:8]})" if summary.get("parent_id") else ""
    return (
        f"{summary['short_id']}  {local_time(summary['created'])}  {summary['messages']:>3} msgs  "
        f"{money(summary['cost_usd'])}  {summary['title'] or '(untitled)'}"
        + (f"  [{who}]" if who else "")
        + parent
        + "\n"
    )


@session.command("show")
@click.argument("session_id", metavar="ID")
@leaf
def show(runtime, session_id: str) -> None:
    """Print a session's messages (the whole session as JSON in a pipe).

    ID is a session id or a unique prefix of one, as 'opencode session list' shows.
    """
    from ..session.transcript import transcript

    store = _store(runtime)
    found = store.load(session_id)
    data = store.redact(found.to_dict())
    text = store.redact(transcript(found))
    runtime.emit(protocol.record("session_detail", **data, path=str(found.path), text=text))


@session.command("delete")
@click.argument("session_ids", nargs=-1, required=True, metavar="ID...")
@leaf
def delete(runtime, session_ids: tuple[str, ...]) -> None:
    """Delete sessions by id (or unique prefix). Nothing is deleted if one is unknown."""
    store = _store(runtime)
    found = dict(store.resolve(wanted) for wanted in session_ids)
    for session_id, path in found.items():
        path.unlink(missing_ok=True)
        runtime.emit(protocol.record("session_deleted", id=session_id, path=str(path), text=f"deleted {session_id[:8]} ({path})\n"))


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
    import json
    from pathlib import Path

    from ..session.redact import Redactor

    store = _store(runtime)
    found = store.load(session_id)
    data = Redactor(runtime.env).value(found.to_dict())
    payload = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is None or output == "-":
        runtime.stdout.write(payload)
        runtime.stdout.flush()
        return
    from ..fsutil import atomic_write

    target = runtime.cwd / Path(output).expanduser()
    atomic_write(target, payload.encode("utf-8"))
    text = f"exported {found.short_id} to {target}\n"
    runtime.emit(protocol.record("session_exported", id=found.id, path=str(target), text=text))


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

    from ..session import Session, file_name
    from ..session.store import parse_json

    if file is None or file == "-":
        if not runtime.stdin_piped:
            raise UsageError("name the file to import, or pipe a session in")
        raw = runtime.stdin.read()
        source = "stdin"
    else:
        path = runtime.cwd / Path(file).expanduser()
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{file}: cannot read: {exc.strerror}") from exc
        source = file
    data = parse_json(raw, source)
    if data.get("type") == "session_detail":  # the record 'session show' writes in a pipe
        data = {k: v for k, v in data.items() if k not in ("v", "type", "path", "text")}
    incoming = Session.from_dict(data)
    store = _store(runtime)
    existing = store.exists(incoming.id)
    if existing is not None and not force:
        raise UsageError(
            f"a session with id {incoming.id} already exists: {existing}",
            hint="add --force to replace it",
        )
    incoming.path = store.directory / file_name(incoming)
    store.save(incoming, touch=False)
    if existing is not None and existing != incoming.path:
        existing.unlink(missing_ok=True)
    text = f"imported {incoming.short_id}: {incoming.title or '(untitled)'} ({incoming.path})\n"
    runtime.emit(
        protocol.record("session_imported", id=incoming.id, title=incoming.title, path=str(incoming.path), replaced=existing is not None, text=text)
    )


@session.command("diff")
@click.argument("session_id", metavar="ID")
@leaf
def diff(runtime, session_id: str) -> None:
    """What the session changed in the project's files, as a unified diff."""
    from .agentrun import snapshots_for

    store = _store(runtime)
    found = store.load(session_id)
    if not found.snapshots:
        runtime.emit(protocol.record("session_diff", session_id=found.id, files=[], diff="", text=""))
        return
    snapshots = snapshots_for(runtime, store)
    first = found.snapshots[0]["tree"]
    text = snapshots.diff(first)
    runtime.emit(protocol.record("session_diff", session_id=found.id, files=snapshots.changed(first), diff=text, text=text))


@session.command("resume")
@click.argument("session_id", metavar="ID")
@click.argument("message", nargs=-1)
@leaf
def resume(runtime, session_id: str, message: tuple[str, ...]) -> None:
    """Continue a session with a new MESSAGE (headless; stdin becomes context)."""
    from .agentrun import RunOptions, run_agent

    if not message and not runtime.stdin_piped:
        raise UsageError("give a message to continue with", hint=f'opencode session resume {session_id} "next step"')
    raise SystemExit(run_agent(runtime, " ".join(message), RunOptions(session=session_id)))


@session.command("compact")
@click.argument("session_id", metavar="ID")
@leaf
def compact(runtime, session_id: str) -> None:
    """Summarize a session now, so that it continues from the summary."""
    import asyncio

    from .agentrun import RunOptions, make_loop

    loop = make_loop(runtime, RunOptions(session=session_id))
    summary = asyncio.run(loop.compact())
    runtime.emit(protocol.record("session_compacted", session_id=loop.session.id, summary=summary, text=summary + "\n"))
