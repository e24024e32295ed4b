"""Slash commands: ``/help``, ``/new``, ``/sessions``, ``/model``, ... and every
declarative command from ``commands/`` folders as ``/NAME args``.

Each built-in is a small function of the chat and the rest of the line, found in
``BUILTINS`` (a registry, not an if-chain). They call the application layer's
session operations; a user's mistake comes back as an ``OpencodeError`` that the
chat shows as one line.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..errors import UsageError
from .status import HELP_PANEL

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Awaitable, Callable

    from .repl import Chat

    Handler = Callable[[Chat, str], Awaitable[Any]]

#: What a command returns to end the chat.
STOP = object()

BUILTINS: dict[str, tuple[Handler, str]] = {}
#: Built-ins that do nothing useful without an argument: the palette puts them in the
#: input box for the person to finish instead of running them.
NEEDS_ARGUMENT: set[str] = set()


def command(name: str, summary: str, *, needs_argument: bool = False):
    def register(fn: Handler) -> Handler:
        BUILTINS[name] = (fn, summary)
        if needs_argument:
            NEEDS_ARGUMENT.add(name)
        return fn

    return register


def declared_names(chat: Chat) -> list[str]:
    """The declarative commands seen from the project (read on each call: cheap)."""
    from ..commandindex import command_files

    return [name for name, _, _ in command_files(str(chat.workspace.root), chat.workspace.env) if name not in BUILTINS]


def all_names(chat: Chat) -> list[str]:
    return [*BUILTINS, *declared_names(chat)]


async def dispatch(chat: Chat, line: str) -> Any:
    """Run ``/NAME rest``: a built-in, else a declarative command."""
    name, _, rest = line[1:].partition(" ")
    if name in BUILTINS:
        return await BUILTINS[name][0](chat, rest.strip())
    return await run_declared(chat, name, rest.strip())


async def run_declared(chat: Chat, name: str, rest: str) -> None:
    """Expand a declarative command with its arguments and run the prompt as the turn."""
    from ..app.declared import expand, find_command
    from ..suggest import did_you_mean

    found = find_command(name, chat.workspace.root, chat.workspace.env) if name else None
    if found is None:
        hint = did_you_mean(name, all_names(chat))
        raise UsageError(f"no command /{name}" + (f"; {hint}" if hint else ""), hint="/help lists them")
    try:
        args = shlex.split(rest)
    except ValueError as exc:
        raise UsageError(f"/{name}: {exc}") from None
    expansion = await expand(chat.workspace, found, args, person=chat.person())
    await chat.turn(expansion.prompt, agent=expansion.agent, model=expansion.model)


@command("help", "this list")
async def _help(chat: Chat, rest: str) -> None:
    lines = [f"  /{name:<10} {summary}" for name, (_, summary) in BUILTINS.items()]
    lines += [f"  /{name:<10} (command file)" for name in declared_names(chat)]
    chat.say("\n".join([*lines, "", HELP_PANEL]))


@command("new", "start a new session")
async def _new(chat: Chat, rest: str) -> None:
    chat.state.new_session()
    chat.say("new session")


@command("save", "save the session (Ctrl+S; every finished part is saved anyway)")
async def _save(chat: Chat, rest: str) -> None:
    if chat.state.session_id is None:
        chat.say("nothing to save yet: the session starts with your first message")
        return
    session = chat.workspace.sessions.load(chat.state.session_id)
    chat.workspace.sessions.save(session)
    chat.say(f"saved session {session.short_id} in {session.path}")


@command("sessions", "pick a session to resume (Ctrl+O); /sessions ID resumes one")
async def _sessions(chat: Chat, rest: str) -> None:
    from .pickers import pick, session_choices

    if rest:
        chat.resume(rest)
        return
    choices = session_choices(chat)
    if not choices:
        chat.say("no sessions here yet")
        return
    wanted = await pick(chat, "Resume which session? (type to filter, Esc: none)", choices)
    if wanted:
        chat.resume(wanted)


@command("model", "the model of the next turns: /model [PROVIDER/MODEL] (a picker without one)")
async def _model(chat: Chat, rest: str) -> None:
    from .pickers import model_choices, pick

    wanted = rest or await pick(chat, "Model for the next turns? (type to filter, Esc: keep)", model_choices(chat))
    if not wanted:
        chat.say(f"model: {chat.state.model or chat.state.shown_model or 'the default'}")
        return
    chat.state.model = chat.workspace.model(wanted).name
    chat.say(f"model: {chat.state.model}")


@command("agent", "the agent of the next turns: /agent NAME")
async def _agent(chat: Chat, rest: str) -> None:
    if not rest:
        chat.say("agents: " + ", ".join(agent.name for agent in chat.workspace.agents.primary()))
        return
    chat.state.agent = chat.workspace.agents.get(rest).name
    chat.say(f"agent: {chat.state.agent}")


@command("undo", "put the files back as they were before the last turn")
async def _undo(chat: Chat, rest: str) -> None:
    from ..app.sessions import undo

    chat.say(undo(chat.workspace, chat.need_session()).get("text", "").rstrip())


@command("compact", "summarize the session so it continues from the summary")
async def _compact(chat: Chat, rest: str) -> None:
    from ..app.sessions import compact

    record = await compact(chat.workspace, chat.need_session(), chat.state.model)
    chat.say("compacted:\n" + record.get("text", "").rstrip())


@command("export", "write the session as JSON: /export [FILE]")
async def _export(chat: Chat, rest: str) -> None:
    from ..app.sessions import export_to

    session_id = chat.need_session()
    target = Path(rest).expanduser() if rest else Path(f"session_{session_id[:8]}.json")
    if not target.is_absolute():
        target = chat.workspace.cwd / target
    export_to(chat.workspace, session_id, target)
    chat.say(f"exported to {target}")


@command("clear", "clear the screen")
async def _clear(chat: Chat, rest: str) -> None:
    chat.console.clear()


@command("expand", "show tool result N in full: /expand N", needs_argument=True)
async def _expand(chat: Chat, rest: str) -> None:
    if not rest.isdigit() or not chat.view.expand(int(rest)):
        raise UsageError(f"no tool result {rest or '(none given)'}", hint=f"results are numbered 1 to {len(chat.view.results)}")


@command("quit", "leave the chat (Ctrl+Q)")
async def _quit(chat: Chat, rest: str) -> Any:
    return STOP
