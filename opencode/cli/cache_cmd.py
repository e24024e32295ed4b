"""``opencode cache``: the response cache's size, and emptying it."""

from __future__ import annotations

import click

from .. import protocol
from .clickutil import leaf


@click.group()
def cache() -> None:
    """The response cache (used with ask --cache or [cache] enabled = true)."""


@cache.command("stats")
@leaf
def stats(runtime) -> None:
    """How many answers are cached and how much space they take."""
    from ..llm.cache import ResponseCache

    store = ResponseCache(runtime.workspace.data_dir)
    info = store.stats()
    store.close()
    text = f"{info['entries']} entries, {info['bytes']} bytes in {info['directory']}\n"
    runtime.emit(protocol.record("cache_stats", **info, text=text))


@cache.command("clear")
@leaf
def clear(runtime) -> None:
    """Remove every cached answer."""
    from ..llm.cache import ResponseCache

    store = ResponseCache(runtime.workspace.data_dir)
    removed = store.clear()
    store.close()
    text = f"removed {removed} entries\n"
    runtime.emit(protocol.record("cache_cleared", removed=removed, text=text))
