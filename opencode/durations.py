"""Durations as people write them in config and flags: ``90s``, ``10m``, ``1h``, or a
number of seconds (``[server] keep_warm``, ``opencode serve --idle``)."""

from __future__ import annotations

import re

from .errors import UsageError

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


def seconds(text: str | int | float) -> float:
    """The duration in seconds; anything else is a usage error that shows the form."""
    if isinstance(text, (int, float)) and not isinstance(text, bool) and text > 0:
        return float(text)
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", str(text))
    if found is None or float(found.group(1)) <= 0:
        raise UsageError(f"not a duration: {text!r}", hint="write it as 90s, 10m or 1h")
    return float(found.group(1)) * _UNITS[found.group(2)]
