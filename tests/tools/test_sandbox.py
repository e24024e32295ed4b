"""The bash tool's OS sandbox, checked against the kernel: what a command may write,
whether it may connect, and how the modes and the config change that.

Every test runs a real command through the real execution path and looks at the
file system or a real listener afterwards; none asks our own rules. The project is a
git repository under ``tmp_path``; ``$TMPDIR`` is a folder beside it, and ``outside``
another one, which no mode may write.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from opencode.paths import PathPolicy
from opencode.tools import bash, sandbox
from opencode.tools.base import ToolContext
from helpers import call_tool
from sandboxing import SUPPORT, needs_landlock

pytestmark = needs_landlock


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    places = {name: tmp_path / name for name in ("proj", "tmp", "outside")}
    for path in places.values():
        path.mkdir()
    subprocess.run(["git", "init", "-q", str(places["proj"])], check=True)
    (places["outside"] / "keep.txt").write_text("keep\n")
    (places["proj"] / "src").mkdir()
    (places["proj"] / "README.md").write_text("readme\n")
    return places


def context(places: dict[str, Path], config: dict | None = None) -> ToolContext:
    root = places["proj"]
    env = {**os.environ, "TMPDIR": str(places["tmp"])}
    return ToolContext(PathPolicy(root=root, cwd=root), data_dir=root.parent / "data", config=config, env=env)


def run(ctx: ToolContext, command: str):
    return asyncio.run(call_tool(bash.SPEC, {"command": command, "timeout": 30_000}, ctx))


def sandboxed(**table) -> dict:
    return {"sandbox": table}


def test_writes_inside_the_project_and_tmpdir_work(places):
    result = run(context(places), 'echo a > new.txt && mkdir -p src/pkg && mv new.txt src/pkg/ && echo b > "$TMPDIR/t.txt" && echo c >> README.md && rm README.md')
    assert result.exit_status == 0, result.output
    assert (places["proj"] / "src" / "pkg" / "new.txt").read_text() == "a\n"
    assert (places["tmp"] / "t.txt").read_text() == "b\n"
    assert not (places["proj"] / "README.md").exists()
    assert result.metadata["sandbox"] == "workspace-write"


@pytest.mark.parametrize(
    "command",
    [
        "touch {target}",
        "echo x > {target}",
        "mkdir {target}",
        "cp README.md {target}",
        f"{sys.executable} -c 'open(\"{{target}}\", \"w\")'",
    ],
)
def test_writing_outside_the_project_is_stopped(places, command):
    target = places["outside"] / "made"
    result = run(context(places), command.format(target=target))
    assert result.exit_status != 0
    assert not target.exists()
    assert "ermission denied" in result.text or "PermissionError" in result.text


def test_deleting_or_changing_outside_files_is_stopped(places):
    keep = places["outside"] / "keep.txt"
    for command in (f"rm -f {keep}", f"find {places['outside']} -name keep.txt -delete", f"echo more >> {keep}", f": > {keep}"):
        result = run(context(places), command)
        assert result.exit_status != 0, command
        assert keep.read_text() == "keep\n", command


def test_the_git_folder_is_read_only(places):
    git = places["proj"] / ".git"
    config_before = (git / "config").read_text()
    for command in ("touch .git/hooks/pre-commit", "echo '[core] x = 1' >> .git/config", "rm .git/HEAD", "mv .git moved", "mkdir .git/new"):
        result = run(context(places), command)
        assert result.exit_status != 0, command
    assert not (git / "hooks" / "pre-commit").exists() and not (git / "new").exists()
    assert (git / "config").read_text() == config_before and (git / "HEAD").exists()
    assert not (places["proj"] / "moved").exists()


class Listener:
    """A TCP listener on loopback; ``accepted()`` says whether anyone connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]

    def accepted(self) -> bool:
        try:
            conn, _ = self.server.accept()
        except (socket.timeout, BlockingIOError):
            return False
        conn.close()
        return True


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.server.close()


def connect_command(port: int) -> str:
    return f"{sys.executable} -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), timeout=5).close(); print(\"connected\")'"


def test_no_network_by_default(places, listener):
    result = run(context(places), connect_command(listener.port))
    assert result.exit_status != 0 and "connected" not in result.text
    assert not listener.accepted()


def test_network_true_allows_connections(places, listener):
    result = run(context(places, sandboxed(network=True)), connect_command(listener.port))
    assert result.exit_status == 0, result.output
    assert listener.accepted()


def test_mode_off_behaves_as_before(places, listener):
    ctx = context(places, sandboxed(mode="off"))
    target = places["outside"] / "made"
    result = run(ctx, f"touch {target} && touch .git/hooks/x && " + connect_command(listener.port))
    assert result.exit_status == 0, result.output
    assert target.exists() and (places["proj"] / ".git" / "hooks" / "x").exists()
    assert listener.accepted()
    assert result.metadata["sandbox"] == "off"


def test_read_only_mode_refuses_writes_inside_the_project(places):
    ctx = context(places, sandboxed(mode="read-only"))
    for command in ("touch src/new.py", "echo x >> README.md", "rm README.md", 'touch "$TMPDIR/t"'):
        result = run(ctx, command)
        assert result.exit_status != 0, command
    assert not (places["proj"] / "src" / "new.py").exists() and (places["proj"] / "README.md").read_text() == "readme\n"
    reading = run(ctx, "cat README.md && ls src && git status --short && echo ok > /dev/null")
    assert reading.exit_status == 0, reading.output
    assert reading.text.startswith("readme\n")
    assert reading.metadata["sandbox"] == "read-only"


def test_extra_writable_folders(places):
    ctx = context(places, sandboxed(writable=[str(places["outside"])]))
    result = run(ctx, f"touch {places['outside']}/made")
    assert result.exit_status == 0, result.output
    assert (places["outside"] / "made").exists()


def test_commands_cannot_signal_processes_outside_the_sandbox(places):
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        result = run(context(places), f"kill {sleeper.pid}")
        assert result.exit_status != 0
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)


def test_without_user_namespaces_git_stays_read_only(places):
    """Where user namespaces are refused, Landlock alone keeps .git read-only: the
    project's other entries are writable, new entries at its top are not."""
    policy = sandbox.Policy(mode="workspace-write", writable=(places["proj"], places["tmp"]), protected=(places["proj"] / ".git",), network=False)
    prepared = sandbox.prepare(policy, namespaces=False)
    try:
        env = {**os.environ, "TMPDIR": str(places["tmp"])}

        def sh(command: str) -> int:
            done = subprocess.run(["bash", "-c", command], cwd=places["proj"], preexec_fn=prepared.preexec, capture_output=True, timeout=30, env=env)
            return done.returncode

        assert sh("touch src/ok.py && echo x >> README.md && touch \"$TMPDIR/t\"") == 0
        assert sh("touch .git/hooks/pre-commit") != 0 and sh("touch top.txt") != 0
        assert sh(f"touch {places['outside']}/made") != 0
    finally:
        prepared.close()
    assert (places["proj"] / "src" / "ok.py").exists() and not (places["proj"] / "top.txt").exists()
    assert not (places["proj"] / ".git" / "hooks" / "pre-commit").exists()


def test_no_landlock_is_said_once(places):
    policy = sandbox.Policy(mode="workspace-write", writable=(places["proj"],), protected=(), network=False)
    missing = sandbox.Support(landlock=0, namespaces=False, reason="test kernel without Landlock")
    first = sandbox.prepare(policy, support=missing)
    second = sandbox.prepare(policy, support=missing)
    assert first.preexec is None and first.enforced is False and first.label == "none"
    assert "no sandbox" in first.warning and "test kernel without Landlock" in first.warning
    assert second.warning is None


def test_landlock_alone_says_what_it_cannot_do_once(places):
    policy = sandbox.Policy(mode="workspace-write", writable=(places["proj"],), protected=(places["proj"] / ".git",), network=False)
    refused = sandbox.Support(landlock=SUPPORT.landlock, namespaces=False)
    first, second = sandbox.prepare(policy, support=refused), sandbox.prepare(policy, support=refused)
    try:
        assert first.enforced and not first.namespaces
        assert "user namespaces are refused" in first.warning and "only TCP" in first.warning
        assert second.enforced and second.warning is None
    finally:
        first.close()
        second.close()


def test_bad_sandbox_settings_are_refused_by_name(places):
    from opencode.errors import UsageError

    for table, key in (({"mode": "strict"}, "sandbox.mode"), ({"network": "no"}, "sandbox.network"), ({"writable": "x"}, "sandbox.writable")):
        with pytest.raises(UsageError, match=key):
            run(context(places, sandboxed(**table)), "true")
