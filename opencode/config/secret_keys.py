"""Keeping secrets out of output: config values that look like credentials are masked.

``api_key_env`` names a variable and is shown; a value under a key such as ``token``,
``password``, ``secret`` or ``api_key``, or any value in an ``env`` or ``headers`` table
(MCP servers carry tokens there), is replaced by ``"***"``.
"""

from __future__ import annotations

import re

_SECRET_KEY = re.compile(r"(token|secret|password|passwd|api_key|apikey|authorization|credential)", re.I)
_SECRET_TABLES = ("env", "headers")
MASK = "***"


def is_secret(dotted: str) -> bool:
    parts = dotted.split(".")
    last = parts[-1]
    if last.endswith("_env"):
        return False
    return bool(_SECRET_KEY.search(last)) or any(p in _SECRET_TABLES for p in parts[:-1])


def redact(value, prefix: str = ""):
    """A copy of ``value`` (a table, list or scalar at ``prefix``) with secrets masked."""
    if isinstance(value, dict):
        return {k: redact(v, f"{prefix}.{k}" if prefix else k) for k, v in value.items()}
    if prefix and is_secret(prefix) and isinstance(value, (str, int, float)):
        return MASK
    return value
