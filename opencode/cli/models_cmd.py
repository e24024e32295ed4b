"""``opencode models [PROVIDER]``: what can be asked, how much it holds and costs."""

from __future__ import annotations

import click

from .. import protocol
from ..errors import UsageError
from .clickutil import leaf


@click.command()
@click.argument("provider", required=False)
@click.option("--local/--no-local", default=True, help="Also ask local Ollama / LM Studio servers")
@leaf
def models(runtime, provider: str | None, local: bool) -> None:
    """List known models with context window, max output and price per million tokens."""
    from ..llm.catalog import known_models, local_models
    from ..llm.providers import PROVIDERS, lookup

    name = None
    if provider:
        found = lookup(provider)
        if found is None:
            raise UsageError(f"unknown provider {provider!r}", hint=f"known providers: {', '.join(sorted(PROVIDERS))}")
        name = found.name
    rows = known_models(name)
    if local and name in (None, "ollama", "lmstudio"):
        rows += [r for r in local_models(runtime.workspace.config) if name in (None, r["provider"])]
    for row in rows:
        runtime.emit(protocol.record("model", **row, text=row["model"] + "\n"))
