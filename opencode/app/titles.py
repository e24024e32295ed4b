"""A better session title than the first prompt's words, asked of the small model.

Only chat asks (after a new session's first exchange, when ``small_model`` is
configured): headless runs and scripts keep the prompt's first line, which costs
nothing and is predictable. A title that cannot be had (no small model, a failing
call, an empty answer) is simply not there; the session keeps the title it has.
"""

from __future__ import annotations

import re

from ..errors import OpencodeError
from .ask import AskOptions, ask

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .workspace import Workspace

SYSTEM = "You name conversations. Answer with a title of at most six words: no quotes, no final full stop."
#: How much of the exchange the title request quotes.
_QUOTE = 1500
_MAX_TITLE = 60


async def suggest_title(workspace: Workspace, prompt: str, answer: str) -> str | None:
    """A short title for an exchange, from ``small_model``; None when there is none."""
    model = workspace.config.get("small_model")
    if not model:
        return None
    question = f"The person asked:\n{prompt[:_QUOTE]}\n\nThe assistant answered:\n{answer[:_QUOTE]}\n\nTitle:"
    options = AskOptions(question, system=SYSTEM, model=model, max_tokens=24, temperature=0.2, save=False, cache=False)
    try:
        async for record in ask(workspace, options):
            if record.get("type") == "message":
                return clean_title(record.get("text") or "")
    except OpencodeError:
        return None
    return None


def clean_title(text: str) -> str | None:
    """The answer's first line without Markdown, quotes or a "Title:" label, at most
    60 characters; None when nothing is left."""
    line = next((line for line in text.strip().splitlines() if line.strip()), "")
    line = re.sub(r"^\s*(?:#+\s*|title\s*:\s*)", "", line, flags=re.IGNORECASE)
    line = line.strip().strip("\"'`*_").strip().rstrip(".")
    return line[:_MAX_TITLE].rstrip() or None


def retitle(workspace: Workspace, session_id: str, title: str) -> None:
    """Give a saved session a new title (between turns: nothing else writes it then)."""
    session = workspace.sessions.load(session_id)
    session.title = title
    workspace.sessions.save(session)
