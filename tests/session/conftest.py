"""Fixtures for the session tests: stores, a session factory, and ``oc`` that can run
the session commands before they are registered in ``opencode.cli.commands``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Result, run

#: The commands of ``opencode.cli.session_cmd`` as the registry lists them.
ENTRIES = {
    "session": ("opencode.cli.session_cmd:session", "List, show and delete saved sessions"),
    "export": ("opencode.cli.session_cmd:export", "Write a session as JSON (secrets masked)"),
    "import": ("opencode.cli.session_cmd:import_", "Add a session from an exported file"),
}

BOOT = (
    "import sys\n"
    "from opencode.cli.commands import COMMANDS\n"
    f"for name, entry in {ENTRIES!r}.items():\n"
    "    COMMANDS.setdefault(name, entry)\n"
    "from opencode.cli.entry import main\n"
    "main(sys.argv[1:])\n"
)


def registered() -> bool:
    from opencode.cli.commands import COMMANDS

    return all(name in COMMANDS for name in ENTRIES)


def run_booted(args: list[str], *, cwd: Path, env: dict[str, str], input: str | bytes | None, timeout: float) -> Result:
    """Like ``helpers.run``, through the same entry point with the session commands added."""
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run([sys.executable, "-c", BOOT, *args], cwd=cwd, env=env, input=data or b"", capture_output=True, timeout=timeout)
    stdout = proc.stdout.decode("utf-8", errors="replace")
    records = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except ValueError:
                pass
    return Result(proc.returncode, stdout, proc.stderr.decode("utf-8", errors="replace"), records)


@pytest.fixture
def oc(project: Path, env: dict[str, str]):
    """``oc(*args, input=..., cwd=...)``: the real ``opencode`` once the session commands
    are registered; until then the same entry point with them added to the registry."""
    runner = run if registered() else run_booted

    def call(*args: str, input: str | bytes | None = None, cwd: Path | None = None, timeout: float = 60, extra_env: dict | None = None) -> Result:
        return runner(list(args), cwd=cwd or project, env={**env, **(extra_env or {})}, input=input, timeout=timeout)

    return call


@pytest.fixture
def data_dir(env: dict[str, str]) -> Path:
    return Path(env["OPENCODE_DATA_DIR"])


@pytest.fixture
def store(project: Path, data_dir: Path):
    """The store ``opencode`` itself uses when run from the project root (no config)."""
    from opencode.session import SessionStore

    return SessionStore.open({}, project, data_dir)


@pytest.fixture
def other_project(tmp_path: Path) -> Path:
    root = tmp_path / "other"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.fixture
def make_session(store):
    """``make_session(prompt=..., answer=..., store=..., **create)``: a saved session with a
    user prompt, a completed tool call and an answer."""
    from opencode.session import text_part, tool_part

    def make(prompt: str = "fix the failing test", answer: str = "done", store=store, **create):
        session = store.create(agent=create.pop("agent", "build"), model=create.pop("model", "openai/gpt-4o"), **create)
        session.add_message("user", [text_part(prompt)])
        reply = session.add_message("assistant", agent=session.agent, model=session.model)
        call = session.add_part(reply, tool_part("call_1", "read", {"path": "a.py"}))
        session.update_part(call, status="completed", output="1\tprint('hi')\n")
        session.add_part(reply, text_part(answer))
        session.add_usage({"input_tokens": 120, "output_tokens": 30}, 0.0015)
        store.save(session)
        return session

    return make
