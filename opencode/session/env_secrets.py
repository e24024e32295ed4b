"""Keeping secrets out of sessions and exports.

A session records tool inputs and outputs verbatim, and ``bash`` will happily print
``env``; sessions may live in ``docs/sessions/`` under version control, and exports are
made to be shared. So before a session is written, the *values* of environment variables
whose names look like credentials are replaced by ``***`` wherever they appear.

A name looks like a credential when it ends in ``_API_KEY`` or ``_TOKEN``, contains
``SECRET`` after a word boundary (``AWS_SECRET_ACCESS_KEY``, ``CLIENT_SECRET``) or
contains ``PASSWORD``. Values shorter than 8 characters are left alone: masking ``1`` or
``true`` everywhere would wreck the text and protect nothing.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

MASK = "***"
MIN_SECRET = 8

_SECRET_NAME = re.compile(r"(^|_)(API_KEY|TOKEN)$|(^|_)SECRET|PASSWORD|PASSWD")


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name.upper()))


def secret_values(env: Mapping[str, str]) -> list[str]:
    """The values to mask, longest first (so a secret containing another goes whole)."""
    found = {value for name, value in env.items() if is_secret_name(name) and isinstance(value, str) and len(value.strip()) >= MIN_SECRET}
    return sorted(found, key=len, reverse=True)


class Redactor:
    """Masks a fixed set of secret values; built once, applied to many strings."""

    def __init__(self, env: Mapping[str, str]) -> None:
        values = secret_values(env)
        self.pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def text(self, text: str) -> str:
        return self.pattern.sub(MASK, text) if self.pattern is not None else text

    def value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string (keys too) masked."""
        if self.pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return value
