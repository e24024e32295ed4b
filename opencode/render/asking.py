"""A person at a terminal, asked with questionary: the ``Person`` seam
(``agent.seams``) for every face that has a terminal.

A permission ask is a select of "Allow once", "Always allow PATTERN" and "Deny"; the
``question`` tool's questions a select, a checkbox or a text prompt. Escape or Ctrl-C
at a prompt is a denial (``asked``). ``io()`` gives the prompts their input and output (the
command line asks on stderr so stdout stays data; chat on its own terminal);
``paused()`` is held while a question is on screen (chat's Esc watcher lets go of the
keyboard then).
"""

from __future__ import annotations

from contextlib import nullcontext

from ..agent.seams import ALWAYS, DENY, ONCE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, ContextManager

    from ..agent.seams import PermissionAsk


class QuestionaryPerson:
    def __init__(self, io: Callable[[], dict[str, Any]], paused: Callable[[], ContextManager[Any]] = nullcontext) -> None:
        self.io, self.paused = io, paused

    async def approve(self, ask: PermissionAsk) -> str:
        import questionary

        choices = ["Allow once", f"Always allow {ask.pattern}", "Deny"] if ask.can_always else ["Allow once", "Deny"]
        with self.paused():
            answer = await asked(questionary.select(ask.question, choices=choices, **self.io()))
        return {"Allow once": ONCE, "Deny": DENY, None: DENY}.get(answer, ALWAYS)

    async def answer(self, questions: list[dict[str, Any]]) -> list[Any]:
        with self.paused():
            return [await self._one(question) for question in questions]

    async def _one(self, question: dict[str, Any]) -> Any:
        import questionary

        if question.get("options"):
            if question.get("multiple"):
                prompt = questionary.checkbox(question["question"], choices=question["options"], **self.io())
                return await asked(prompt) or []
            return await asked(questionary.select(question["question"], choices=question["options"], **self.io()))
        return await asked(questionary.text(question["question"], **self.io()))


async def choose(question: str, choices: list[tuple[str, Any]], io: dict[str, Any], *, search: bool = False) -> Any:
    """One of ``choices`` (``(title, value)`` pairs) picked from a list; None at Esc or
    Ctrl-C. ``search`` lets typing narrow the list (the chat's session and model pickers)."""
    import questionary

    options = [questionary.Choice(title, value=value) for title, value in choices]
    prompt = questionary.select(question, choices=options, use_search_filter=search, use_jk_keys=not search, **io)
    return await asked(prompt)


async def asked(question: Any) -> Any:
    """The answer to a questionary ``question``, None at Esc or Ctrl-C. (questionary's
    own ``ask_async`` prints a message to stdout at Ctrl-C: stdout is data here.)"""
    try:
        return await esc_cancels(question).unsafe_ask_async()
    except KeyboardInterrupt:
        return None


def esc_cancels(question: Any) -> Any:
    """``question`` with Esc ending it as Ctrl-C does: with no answer (a denial, for an ask)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    bindings = KeyBindings()

    @bindings.add("escape", eager=True)
    def _cancel(event) -> None:
        event.app.exit(result=None)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
    return question


def stderr_output():
    """prompt_toolkit output on stderr: prompts must not end up in a redirected stdout."""
    import sys

    from prompt_toolkit.output import create_output

    return create_output(stdout=sys.stderr)
