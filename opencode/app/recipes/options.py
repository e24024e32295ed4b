"""How to run a recipe, as the faces give it: ``RecipeOptions``."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Mapping


class RecipeOptions:
    """How to run a recipe: the parameter values given, approvals, budgets (over the
    recipe's ``[settings]``), the step cache, a dry run."""

    def __init__(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        model: str | None = None,
        max_turns: int | None = None,
        max_cost: float | None = None,
        timeout: float | None = None,
        yes: bool = False,
        allow: tuple[str, ...] | list[str] = (),
        answers: Any = None,
        cache: bool | None = None,
        refresh: tuple[str, ...] | list[str] = (),
        dry_run: bool = False,
        record: Path | None = None,
        replay: Path | None = None,
    ) -> None:
        self.params = dict(params or {})
        self.model, self.max_turns, self.max_cost, self.timeout = model, max_turns, max_cost, timeout
        self.yes, self.allow, self.answers = yes, tuple(allow), answers
        self.cache, self.refresh, self.dry_run = cache, tuple(refresh), dry_run
        self.record, self.replay = record, replay  # model exchanges: written to / answered from
