"""When a failed provider call is tried again, and after how long.

A call is retried only for failures worth it (``Failure.retryable``: 429, 5xx, a
dropped connection), at most ``[llm] max_retries`` times, and only while the wait ends
inside the call's time budget, ``[llm] retry_budget`` seconds from its start. The wait
is the provider's ``Retry-After`` when it sent one, else exponential backoff with
jitter. A ``Retry-After`` longer than what is left of the budget is not waited for:
the call fails at once, and the error says how long the provider asked to wait. So a
headless run in CI never sleeps for an hour because a provider said so.
"""

from __future__ import annotations

import random
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from .client import Settings
    from .failures import Failure

#: The longest backoff between two tries when the provider did not say.
MAX_BACKOFF_S = 30.0


class Retries:
    """The retries of one call. ``delay`` decides each one; after a refusal, ``note``
    says why there was none (for the error message), unless it was not worth trying."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_retries, self.budget = settings.max_retries, settings.retry_budget
        self.clock = clock
        self.started = clock()
        self.made = 0
        self.note: str | None = None

    def delay(self, failure: Failure) -> float | None:
        """Seconds to wait before trying again, or None when not to try again."""
        if not failure.retryable:
            return None
        elapsed = self.clock() - self.started
        left = self.budget - elapsed
        if self.made >= self.max_retries:
            self.note = f"gave up after {self.made + 1} attempts ([llm] max_retries = {self.max_retries})" if self.made else None
            return None
        asked = failure.retry_after()
        if asked is not None and asked > left:
            self.note = (
                f"the provider asked to wait {asked:g} s (Retry-After), longer than the "
                f"{max(left, 0):.0f} s left of [llm] retry_budget = {self.budget:g} s"
            )
            return None
        wait = asked if asked is not None else min(0.5 * 2**self.made, MAX_BACKOFF_S) * (0.5 + random.random())
        if wait > left:
            self.note = f"gave up after {self.made + 1} attempts in {elapsed:.1f} s ([llm] retry_budget = {self.budget:g} s)"
            return None
        self.made += 1
        return wait
