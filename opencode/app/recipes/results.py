"""What a finished step leaves for the steps after it, as templates see it.

``steps.ID.text`` is the step's text (a tool's raw payload, a shell command's output,
an answer); ``json`` its structured value (an answer that matched a schema or parsed as
JSON, a tool's metadata); ``lines`` the text's non-empty lines (for ``foreach``);
``items`` the results of a ``foreach`` step's items; ``status`` one of ``ok``,
``failed``, ``skipped``, ``cached``. A dry run puts ``Placeholder`` values where a step's
output would be, so every later template still renders.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator


class StepResult:
    __slots__ = ("text", "json", "status", "items", "error", "exit_code")

    def __init__(
        self,
        text: str = "",
        json: Any = None,
        status: str = "ok",
        *,
        items: list[StepResult] | None = None,
        error: str | None = None,
        exit_code: int = 0,
    ) -> None:
        self.text, self.json, self.status = text, json, status
        self.items = items or []
        self.error, self.exit_code = error, exit_code

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "cached")

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]

    def to_cache(self) -> dict[str, Any]:
        return {"text": self.text, "json": self.json, "items": [item.to_cache() for item in self.items]}

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> StepResult:
        items = [cls.from_cache(item) for item in data.get("items", [])]
        return cls(data.get("text", ""), data.get("json"), "cached", items=items)

    @classmethod
    def combined(cls, items: list[StepResult]) -> StepResult:
        """A ``foreach`` step's result: its items' texts joined, their values listed."""
        failed = [item for item in items if not item.ok]
        status = "failed" if failed else "cached" if items and all(i.status == "cached" for i in items) else "ok"
        text = "\n\n".join(item.text.strip("\n") for item in items if item.text.strip())
        return cls(text, [item.json for item in items], status, items=items, error=failed[0].error if failed else None)

    def __repr__(self) -> str:
        return f"StepResult({self.status}, {self.text[:40]!r})"


class Steps:
    """The ``steps`` templates see: ``steps.ID`` is always the step, even for an id
    that is also the name of a ``dict`` method (``update``, ``items``, ``keys``...),
    which Jinja would look up first."""

    __slots__ = ("_results",)

    def __init__(self, results: dict[str, Any]) -> None:
        self._results = dict(results)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._results[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._results[name]

    def __contains__(self, name: object) -> bool:
        return name in self._results

    def __iter__(self) -> Iterator[str]:
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)


class Placeholder:
    """Stands for a value a dry run does not compute: ``<steps.review.json.title>``."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __getattr__(self, name: str) -> Placeholder:
        return Placeholder(f"{self.path}.{name}")

    def __getitem__(self, key: Any) -> Placeholder:
        return Placeholder(f"{self.path}[{key!r}]")

    def __iter__(self) -> Iterator[Placeholder]:
        return iter([Placeholder(f"{self.path}[0]")])

    def __len__(self) -> int:
        return 1

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"<{self.path}>"

    __repr__ = __str__


class PlannedStep:
    """A step in a dry run: every attribute a placeholder for what it would produce."""

    __slots__ = ("step_id",)

    def __init__(self, step_id: str) -> None:
        self.step_id = step_id

    def __getattr__(self, name: str) -> Placeholder:
        return Placeholder(f"steps.{self.step_id}.{name}")
