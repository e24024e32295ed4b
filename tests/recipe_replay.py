"""Recording a recipe run in-process on a scripted model, for tests that then replay
it through the real ``opencode`` process with no key and no model server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from opencode.app.recipes.loader import load_recipe
from opencode.app.recipes.runner import RecipeOptions, RecipeRun
from opencode.app.workspace import Workspace
from opencode.llm.scripted import ScriptedModel


def record_answers(project: Path, env: dict[str, str], recipe: str, params: dict[str, Any], answers: list[str], recording: Path) -> None:
    workspace = Workspace(project, {**env, "ANTHROPIC_API_KEY": "scripted"}, model_client=ScriptedModel(*answers))
    run = RecipeRun(workspace, load_recipe(project / recipe), RecipeOptions(params=params, record=recording))

    async def drain() -> None:
        async for _ in run.records():
            pass

    asyncio.run(drain())
    assert run.exit_code == 0, f"recording {recipe} failed with exit {run.exit_code}"
