"""Laying one table over another: the merge that config layers and agent layers share.

Tables merge key by key, all the way down; any other value replaces what was there.
"""

from __future__ import annotations

import copy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable


def merge_into(base: dict, layer: dict, on_set: Callable[[str, Any], None] | None = None, prefix: str = "") -> None:
    """Lay ``layer`` over ``base`` in place. ``on_set(dotted_key, value)`` hears of every
    value the layer put in place (a table that replaced a non-table counts as one)."""
    for key, value in layer.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge_into(base[key], value, on_set, dotted + ".")
            continue
        base[key] = value
        if on_set is not None:
            on_set(dotted, value)


def merged(base: dict, layer: dict) -> dict:
    """A new table: ``layer`` over ``base``, neither of them changed."""
    result = copy.deepcopy(base)
    merge_into(result, copy.deepcopy(layer))
    return result
