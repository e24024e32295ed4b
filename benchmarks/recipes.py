"""Recipe costs: a dry run, a fully cached re-run, and the runner's overhead per step.

A 10-step recipe (five ``read`` tool steps, five ``ask`` steps on their output) in a
fresh git repository:

- ``opencode run r10.toml --dry-run``: the whole process, parsing to plan.
- ``opencode run r10.toml --cache --replay r10.jsonl`` after a first run filled the
  step cache: every step cached, no model call; the script also checks that the
  process never imported litellm (``-X importtime``).
- The runner's own cost per step, in-process: 50 ``read`` tool steps run by
  ``RecipeRun`` against the same 50 calls made straight through ``Workspace.call_tool``.

Targets (issue 10): dry run under 0.3 s, cached re-run under 0.5 s, overhead per step
under 10 ms.

    python benchmarks/recipes.py [--runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import ENV, median_ms, opencode, table

STEPS = 5


def recipe_text(pairs: int = STEPS) -> str:
    parts = ['[recipe]\nname = "r10"\n']
    for index in range(pairs):
        parts.append(f'[[steps]]\nid = "read{index}"\ntool = "read"\nwith = {{ path = "f{index}.py" }}\nneeds = []\n')
        parts.append(f'[[steps]]\nid = "ask{index}"\nask = "About this: {{{{ steps.read{index}.text }}}}"\n')
    return "\n".join(parts)


def make_project(root: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for index in range(STEPS):
        (root / f"f{index}.py").write_text(f"VALUE_{index} = {index}\n" * 20)
    (root / "r10.toml").write_text(recipe_text())
    return root


def record(root: Path, data_dir: Path) -> None:
    """A recording of the recipe's five asks, made in-process on a scripted model."""
    from opencode.app.recipes.loader import load_recipe
    from opencode.app.recipes.runner import RecipeOptions, RecipeRun
    from opencode.app.workspace import Workspace
    from opencode.llm.scripted import ScriptedModel

    env = {"OPENCODE_DATA_DIR": str(data_dir), "HOME": str(root), "ANTHROPIC_API_KEY": "scripted"}
    workspace = Workspace(root, env, model_client=ScriptedModel(*(f"answer {i}" for i in range(STEPS))))
    run = RecipeRun(workspace, load_recipe(root / "r10.toml"), RecipeOptions(record=root / "r10.jsonl"))
    asyncio.run(_drain(run))
    assert run.exit_code == 0


async def _drain(run) -> None:
    async for _ in run.records():
        pass


def imports_litellm(command: list[str], root: Path, env: dict[str, str]) -> bool:
    """Whether ``command`` (``python -m opencode ...``) imports litellm; it must succeed,
    every step cached."""
    result = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and '"cached":false' not in result.stdout, result.stdout[-2000:]
    return "litellm" in result.stderr


def overhead_ms(root: Path, data_dir: Path, steps: int = 50) -> tuple[float, float]:
    """(runner ms per step, direct ms per call) for ``steps`` read steps."""
    from opencode.app.recipes.loader import load_recipe
    from opencode.app.recipes.runner import RecipeOptions, RecipeRun
    from opencode.app.workspace import Workspace

    text = '[recipe]\nname = "reads"\n' + "".join(
        f'[[steps]]\nid = "r{i}"\ntool = "read"\nwith = {{ path = "f{i % STEPS}.py" }}\n' for i in range(steps)
    )
    (root / "reads.toml").write_text(text)
    env = {"OPENCODE_DATA_DIR": str(data_dir), "HOME": str(root)}
    workspace = Workspace(root, env)
    recipe = load_recipe(root / "reads.toml")

    async def direct() -> None:
        for i in range(steps):
            (await workspace.call_tool("read", {"path": f"f{i % STEPS}.py"})).raise_error()

    asyncio.run(direct())  # warm: registry, config
    runner, plain = [], []
    for _ in range(5):
        start = time.perf_counter()
        run = RecipeRun(workspace, recipe, RecipeOptions())
        asyncio.run(_drain(run))
        runner.append((time.perf_counter() - start) * 1000 / steps)
        start = time.perf_counter()
        asyncio.run(direct())
        plain.append((time.perf_counter() - start) * 1000 / steps)
    return statistics.median(runner), statistics.median(plain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = make_project(Path(temp) / "proj")
        data_dir = Path(temp) / "data"
        env = {**ENV, "OPENCODE_DATA_DIR": str(data_dir)}
        for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
            env.pop(name, None)
        record(root, data_dir)
        ENV.clear()
        ENV.update(env)
        dry = median_ms([*opencode(), "run", "r10.toml", "--dry-run", "--json"], cwd=root, runs=args.runs)
        cached_command = [*opencode(), "run", "r10.toml", "--cache", "--replay", "r10.jsonl", "--json"]
        subprocess.run(cached_command, cwd=root, env=env, capture_output=True, check=True)  # fills the cache
        cached = median_ms(cached_command, cwd=root, runs=args.runs)
        litellm = imports_litellm([sys.executable, "-m", "opencode", *cached_command[len(opencode()):]], root, env)
        per_step, direct = overhead_ms(root, data_dir)
    print(table(
        ["measure", "measured", "target"],
        [
            ["dry run, 10 steps (process)", f"{dry:.0f} ms", "< 300 ms"],
            ["cached re-run, 10 steps (process)", f"{cached:.0f} ms", "< 500 ms"],
            ["cached re-run imports litellm", "yes" if litellm else "no", "no"],
            ["runner per read step (in-process)", f"{per_step:.2f} ms", ""],
            ["the same read, called directly", f"{direct:.2f} ms", ""],
            ["overhead per step", f"{per_step - direct:.2f} ms", "< 10 ms"],
        ],
    ))


if __name__ == "__main__":
    main()
