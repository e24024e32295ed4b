""""Did you mean ...?": the one place that suggests a known name for a mistyped one.

Unknown tools, agents and commands all answer with the same hint, so a person who
mistypes any name learns the same way what was meant.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable


def close_names(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` names from ``known`` that look like ``name``, best first."""
    import difflib

    return difflib.get_close_matches(name, list(known), n=n)


def did_you_mean(name: str, known: Iterable[str], n: int = 3) -> str | None:
    """``"did you mean plan?"``, or None when nothing is close."""
    close = close_names(name, known, n)
    return f"did you mean {', '.join(close)}?" if close else None
