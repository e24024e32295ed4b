"""What a run may spend, and what it has spent: turns, tokens, dollars and time.

``Budget`` holds the limits (None: no limit), ``Meter`` counts, and ``StopRun`` is how
any part of a run ends it early with a reason for the ``done`` record.
"""

from __future__ import annotations

import time

from ..errors import LimitReached
from ..llm.types import Usage, add_cost

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..errors import OpencodeError
    from ..llm.types import Completion


class Budget:
    """Limits of one run: turns, dollars and seconds (None: no limit)."""

    def __init__(self, max_turns: int | None = None, max_cost: float | None = None, timeout: float | None = None) -> None:
        self.max_turns, self.max_cost, self.timeout = max_turns, max_cost, timeout


class StopRun(Exception):
    """Ends a run early with a reason for the ``done`` record and an exit status."""

    def __init__(self, reason: str, error: OpencodeError | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


class Meter:
    """What a run has used: model turns, tokens, dollars (None once a price is
    unknown) and the time since it started."""

    def __init__(self) -> None:
        self.turns = 0
        self.usage = Usage()
        self.cost_usd: float | None = 0.0
        self.started = time.monotonic()

    @property
    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def add(self, completion: Completion) -> None:
        """Count one model call."""
        self.usage = self.usage + completion.usage
        self.cost_usd = add_cost(self.cost_usd, completion.cost_usd)

    def absorb(self, other: Meter) -> None:
        """Count what a subagent's run used as this run's too."""
        self.usage = self.usage + other.usage
        self.cost_usd = add_cost(self.cost_usd, other.cost_usd)

    def check(self, budget: Budget) -> None:
        """Before a turn: stop when the turns or the dollars are used up."""
        if budget.max_turns is not None and self.turns >= budget.max_turns:
            raise StopRun("max_turns", LimitReached(f"stopped after {self.turns} turns (--max-turns {budget.max_turns})"))
        if budget.max_cost is not None and self.cost_usd is not None and self.cost_usd >= budget.max_cost:
            raise StopRun("max_cost", LimitReached(f"stopped at ${self.cost_usd:.4f} (--max-cost {budget.max_cost})"))
