"""Running ``opencode`` the way a user does: a real process, real pipes, real exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path


def opencode_command() -> list[str]:
    """The installed console script, next to this interpreter if possible."""
    beside = Path(sys.executable).with_name("opencode")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("opencode")
    return [found] if found else [sys.executable, "-m", "opencode"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    records: list[dict] = field(default_factory=list)

    @property
    def record(self) -> dict:
        """The only record (most tool commands write exactly one)."""
        assert len(self.records) == 1, f"expected one record, got {self.records!r}\nstderr: {self.stderr}"
        return self.records[0]


def run(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    input: str | bytes | None = None,
    timeout: float = 60,
) -> Result:
    """Spawn ``opencode ARGS`` in ``cwd``; stdin is ``input`` or empty (never a terminal)."""
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run(
        [*opencode_command(), *args],
        cwd=cwd,
        env=env,
        input=data if data is not None else b"",
        capture_output=True,
        timeout=timeout,
    )
    stdout = proc.stdout.decode("utf-8", errors="replace")
    records = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except ValueError:
                pass
    return Result(proc.returncode, stdout, proc.stderr.decode("utf-8", errors="replace"), records)


def isolated_env(base: Path) -> dict[str, str]:
    """An environment that cannot see the developer's own config, keys or data."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENCODE_", "XDG_")) and not k.endswith("_API_KEY") and k != "PYTHONDONTWRITEBYTECODE"
    }
    home = base / "home"
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        OPENCODE_DATA_DIR=str(base / "data"),
        OPENCODE_CONFIG=str(base / "user-config" / "opencode.toml"),
        NO_COLOR="1",
    )
    return env


def tool_context(root: Path, **fields):
    """A ToolContext for a project at ``root`` (data dir beside it), as the CLI builds one."""
    from opencode.paths import PathPolicy
    from opencode.tools.base import ToolContext

    return ToolContext(PathPolicy(root=root, cwd=root), data_dir=root.parent / "data", **fields)


def _registry_of(spec):
    from opencode.tools import Registry

    return Registry(sources=[lambda register: register(spec)])


async def call_tool(spec, params: dict, ctx):
    """Run one tool call through the real execution path (``tools.execute``); the
    tool's ``ToolResult``, or its error raised, as the command line sees it."""
    from opencode.tools.execute import execute

    outcome = await execute(_registry_of(spec), spec.name, params, ctx)
    outcome.raise_error()
    return outcome.result


def call_tool_blocking(spec, params: dict, ctx):
    """``call_tool`` from synchronous code (loop-free tools run without asyncio)."""
    from opencode.tools.execute import execute_blocking

    outcome = execute_blocking(_registry_of(spec), spec.name, params, ctx)
    outcome.raise_error()
    return outcome.result


def session_folder(folder: Path) -> list[str]:
    """The names in a sessions folder besides its own ``.gitignore``, sorted."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".gitignore")
