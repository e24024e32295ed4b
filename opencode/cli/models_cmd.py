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
        rows += [r for r in local_models(runtime.config) if name in (None, r["provider"])]
    if runtime.mode == "human":
        _table(runtime, rows)
        return
    for row in rows:
        runtime.emit(protocol.record("model", **row, text=row["model"] + "\n"))


def _table(runtime, rows) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("model", "context", "max out", "$ in/Mtok", "$ out/Mtok", box=None)
    show = lambda v: "" if v is None else f"{v:,}" if isinstance(v, int) else f"{v:g}"  # noqa: E731
    for row in rows:
        table.add_row(row["model"], show(row["context_window"]), show(row["max_output"]), show(row["input_per_mtok"]), show(row["output_per_mtok"]))
    Console(file=runtime.stdout, no_color=not runtime.color).print(table)
