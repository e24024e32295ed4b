"""Running a recipe in-process on a workspace whose model is a ``ScriptedModel``."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

from app_helpers import Harness, Run
from opencode.app.recipes.loader import load_recipe
from opencode.app.recipes.runner import RecipeOptions, RecipeRun


def write_recipe(root: Path, text: str, name: str = "recipe.toml") -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_recipe(harness: Harness, text: str | None = None, *, path: Path | None = None, piped: Any = None, **options: Any) -> Run:
    """Run the recipe ``text`` (or the file ``path``) to its end; its records and status."""
    path = path or write_recipe(harness.root, text or "")
    run = RecipeRun(harness.workspace, load_recipe(path), RecipeOptions(**options), piped=piped, person=harness.person)

    async def gather() -> list[dict[str, Any]]:
        return [record async for record in run.records()]

    return Run(asyncio.run(gather()), run.exit_code)


def finishes(run: Run) -> dict[str, dict[str, Any]]:
    """Step key → its step_finish record."""
    return {r["step"]: r for r in run.of("step_finish") if isinstance(r["step"], str)}
