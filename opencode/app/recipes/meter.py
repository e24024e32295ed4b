"""The whole recipe's budget: turns and dollars across every step, sub-recipes too.

Agent steps get what is left as their own ``--max-turns``/``--max-cost``; before a step
starts, a spent budget stops the recipe (exit 5).
"""

from __future__ import annotations

from ...errors import LimitReached

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .actions import Outcome


class Remaining:
    __slots__ = ("turns", "cost")

    def __init__(self, turns: int | None, cost: float | None) -> None:
        self.turns, self.cost = turns, cost


class RecipeMeter:
    def __init__(self, max_turns: int | None = None, max_cost: float | None = None) -> None:
        self.max_turns, self.max_cost = max_turns, max_cost
        self.usage: dict[str, int] = {}
        self.cost_usd: float | None = 0.0
        self.turns = 0

    def add(self, outcome: Outcome) -> None:
        from ...llm.types import add_cost

        for key, value in outcome.usage.items():
            self.usage[key] = self.usage.get(key, 0) + value
        self.cost_usd = add_cost(self.cost_usd, outcome.cost_usd)
        self.turns += outcome.turns

    def remaining(self) -> Remaining:
        turns = None if self.max_turns is None else max(1, self.max_turns - self.turns)
        cost = None if self.max_cost is None else max(0.0, self.max_cost - (self.cost_usd or 0.0))
        return Remaining(turns, cost)

    def spent(self) -> LimitReached | None:
        """The limit reached, if one is."""
        if self.max_cost is not None and self.cost_usd is not None and self.cost_usd >= self.max_cost:
            return LimitReached(f"the recipe has cost ${self.cost_usd:.4f}, its --max-cost is ${self.max_cost:g}")
        if self.max_turns is not None and self.turns >= self.max_turns:
            return LimitReached(f"the recipe's agent steps have taken {self.turns} turns, its --max-turns is {self.max_turns}")
        return None

    def summary(self) -> dict[str, Any]:
        return {"usage": dict(self.usage), "cost_usd": self.cost_usd, "turns": self.turns}
