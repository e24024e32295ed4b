"""What the bash tool's sandbox costs per command: ``opencode bash "true"`` as a new
process, and the bash tool called in-process through the one execution path, each
with the sandbox off and on (workspace-write and read-only; in-process also with
Landlock alone, as on machines that refuse user namespaces).

The sandboxed child is forked rather than vforked (it runs the sandbox's set-up
before exec), so part of the cost grows with the size of the process that starts it.

Target (issue 9): the sandbox adds under 20 ms per command (median).

    python benchmarks/sandbox.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _timing import median_ms, opencode, table

TARGET_MS = 20.0
MODES = ("off", "workspace-write", "read-only")


def make_project(root: Path, mode: str) -> Path:
    project = root / mode
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "opencode.toml").write_text(f'[sandbox]\nmode = "{mode}"\n')
    return project


def cli_rows(root: Path, runs: int) -> list[list[str]]:
    times = {mode: median_ms([*opencode(), "bash", "true"], cwd=make_project(root, mode), runs=runs) for mode in MODES}
    return [row("opencode bash true", mode, ms, times["off"]) for mode, ms in times.items()]


def in_process_ms(project: Path, config: dict, runs: int) -> float:
    """Median wall time of one bash tool call of ``true`` in this process."""
    from opencode.paths import PathPolicy
    from opencode.tools import Registry
    from opencode.tools.base import ToolContext
    from opencode.tools.execute import execute

    ctx = ToolContext(PathPolicy(root=project, cwd=project), data_dir=project / ".data", config=config, env=dict(os.environ))
    registry = Registry.from_config(None)

    async def timings() -> list[float]:
        found = []
        for _ in range(runs + 2):
            start = time.perf_counter()
            outcome = await execute(registry, "bash", {"command": "true"}, ctx)
            found.append((time.perf_counter() - start) * 1000)
            assert outcome.ok and outcome.result.exit_status == 0, outcome.message
        return found[2:]

    return statistics.median(asyncio.run(timings()))


def in_process_rows(root: Path, runs: int) -> list[list[str]]:
    """The bash tool in this process, small, then holding 200 MB as an agent run with
    litellm loaded does (a sandboxed child is forked, where an unsandboxed one is
    vforked, so the process's size shows), then with Landlock alone."""
    from opencode.tools import sandbox

    project = make_project(root, "in-process")
    rows = []
    for case, ballast_mb in (("bash tool in-process", 0), ("bash tool in a 200 MB process", 200)):
        ballast = bytearray(ballast_mb * 2**20)
        for page in range(0, len(ballast), 4096):
            ballast[page] = 1
        times = {mode: in_process_ms(project, {"sandbox": {"mode": mode}}, runs) for mode in MODES}
        rows += [row(case, mode, ms, times["off"]) for mode, ms in times.items()]
        del ballast
    sandbox.namespaces_refused()  # from here on: Landlock alone
    alone = in_process_ms(project, {"sandbox": {"mode": "workspace-write"}}, runs)
    return [*rows, row("bash tool in-process", "workspace-write, Landlock alone", alone, float(rows[0][2]))]


def row(case: str, mode: str, ms: float, off: float) -> list[str]:
    if mode == "off":
        return [case, mode, f"{ms:.1f}", "", ""]
    added = ms - off
    return [case, mode, f"{ms:.1f}", f"{added:+.1f}", "ok" if added < TARGET_MS else "OVER"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from opencode.tools import sandbox

    found = sandbox.support()
    print(f"Landlock ABI {found.landlock}" + (f" ({found.reason})" if found.reason else "") + "\n")
    with tempfile.TemporaryDirectory() as tmp:
        rows = cli_rows(Path(tmp), args.runs) + in_process_rows(Path(tmp), args.runs)
    print(table(["case", "sandbox", "median ms", "added ms", f"< {TARGET_MS:.0f} ms"], rows))


if __name__ == "__main__":
    main()
