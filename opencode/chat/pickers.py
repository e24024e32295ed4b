"""The chat's pickers: the session browser (``/sessions``, Ctrl+O), the model picker
(``/model``) and the command palette (Ctrl+P).

Each is one questionary list on the chat's terminal, drawn under the conversation
and gone once answered; typing narrows the list, Esc closes it with nothing picked.
A list is cut to what the screen holds (the newest sessions first); anything else is
still one ``/sessions ID`` or ``/model PROVIDER/MODEL`` away.
"""

from __future__ import annotations

from ..render.asking import choose

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .repl import Chat

#: Lines a list leaves for the question, the filter line and the prompt after it.
_MARGIN = 6


async def pick(chat: Chat, question: str, choices: list[tuple[str, Any]]) -> Any:
    """The value of the choice picked, None when closed (or when there is nothing to pick)."""
    if not choices:
        return None
    rows = max(3, chat.console.size.height - _MARGIN)
    io = {"input": chat.terminal.input, "output": chat.terminal.output}
    return await choose(question, choices[:rows], io, search=True)


def session_choices(chat: Chat) -> list[tuple[str, str]]:
    """The project's sessions, newest first, the chat's own marked (a subagent's
    sessions are its parent's business, so they are left out)."""
    from ..app.sessions import list_sessions

    current = chat.state.session_id
    return [(("* " if row["session_id"] == current else "  ") + row["text"].rstrip(), row["session_id"]) for row in list_sessions(chat.workspace)
            if not row.get("parent_id")]


def model_choices(chat: Chat) -> list[tuple[str, str]]:
    """The models of the configured providers first, then the default provider's known
    models (from the price map; nothing is asked over the network)."""
    from ..llm.catalog import known_models

    providers = chat.workspace.config.get("provider") or {}
    names = [f"{name}/{table['model']}" for name, table in providers.items() if isinstance(table, dict) and table.get("model")]
    current = chat.state.model or chat.state.shown_model
    default = (current or "").split("/", 1)[0] or providers.get("default")
    if default:
        names += [row["model"] for row in known_models(default)]
    names = list(dict.fromkeys([current, *names] if current else names))
    return [(("* " if name == current else "  ") + name, name) for name in names]


def palette_choices(chat: Chat) -> list[tuple[str, str]]:
    """Every slash command with what it does."""
    from .commands import BUILTINS, declared_names

    rows = [(f"/{name:<10} {summary}", name) for name, (_, summary) in BUILTINS.items()]
    return rows + [(f"/{name:<10} (command file)", name) for name in declared_names(chat)]
