"""Stopping a model that calls the same tool with the same input again and again."""

from __future__ import annotations

import json

from ..errors import LimitReached
from .budget import StopRun
from .seams import ALWAYS, ONCE, PermissionAsk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .seams import Person

REPEATS = 3


class DoomLoopGuard:
    """Watches the calls of a run. After ``REPEATS`` identical calls in a row, the
    ``[permissions] doom_loop`` setting decides: ``allow`` goes on, ``ask`` asks the
    person (nobody there: stop), ``deny`` stops the run (exit 5)."""

    def __init__(self, action: str = "ask", person: Person | None = None) -> None:
        self.action = action
        self.person = person
        self.recent: list[str] = []

    async def check(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        for name, params in calls:
            self.recent.append(name + json.dumps(params, sort_keys=True))
        self.recent = self.recent[-REPEATS:]
        if len(self.recent) < REPEATS or len(set(self.recent)) != 1 or self.action == "allow":
            return
        name = calls[-1][0]
        if self.action == "ask" and self.person is not None:
            ask = PermissionAsk("doom_loop", "doom_loop", {"call": name}, "The same tool call repeats. Keep going?", can_always=False)
            if await self.person.approve(ask) in (ONCE, ALWAYS):
                self.recent.clear()
                return
        raise StopRun("doom_loop", LimitReached(f"stopped a doom loop: {name} was called {REPEATS} times in a row with the same input"))
