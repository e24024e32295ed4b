"""SIGTERM and SIGHUP end a command as Ctrl-C does: real signals sent to the real
``opencode`` process, and /proc checked (tests/procs.py) for children that outlive it.

A CI runner stops a job with SIGTERM; a closed terminal sends SIGHUP. The command
stops its running bash command's process group, an agent run still ends with its
``error`` and ``done`` records, and the exit status is 128 + the signal number.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from fakellm.script import Reply
from helpers import opencode_command
from procs import alive_with, marker, wait_gone, where_stuck, with_sigint


def start(cwd: Path, env: dict, *args: str, ignore_sigint: bool = False) -> subprocess.Popen:
    """``opencode ARGS`` in the background; ``ignore_sigint`` as a shell's ``cmd &`` does."""
    return subprocess.Popen(
        with_sigint([*opencode_command(), *args], ignored=ignore_sigint), cwd=cwd, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_processes(proc: subprocess.Popen, tag: str, count: int = 1, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while len(alive_with(f"sleep {tag}")) < count and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if len(alive_with(f"sleep {tag}")) < count:
        stuck = where_stuck(proc.pid)
        proc.kill()
        stdout, stderr = proc.communicate(timeout=10)
        raise AssertionError(f"the command never started\n{stdout}\n{stderr}\nwhere the processes wait:\n{stuck}")
    # The signal is for a command that runs. (One that lands in the millisecond while
    # asyncio is still wiring the new process's pipes cancels that, and tools/_proc.py
    # never learns the process group to stop: a known gap, not this test's subject.)
    time.sleep(0.5)


def stop(proc: subprocess.Popen, sig: int) -> tuple[str, str]:
    try:
        proc.send_signal(sig)
        return proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_stops_a_bash_command_and_its_children(sig, status, project: Path, env):
    tag = marker()
    proc = start(project, env, "bash", f"sleep {tag} & sleep {tag}")
    wait_for_processes(proc, tag, 2)
    stdout, stderr = stop(proc, sig)
    assert proc.returncode == status, stderr
    assert '"interrupted"' in stdout and "Traceback" not in stderr
    assert wait_gone(tag) == []


def run_a_sleeping_bash_call(project: Path, fake_llm, env: dict, tag: str, ignore_sigint: bool = False) -> subprocess.Popen:
    fake_llm.script(Reply.tool_call("bash", {"command": f"sleep {tag}"}), Reply.text("never reached"))
    proc = start(project, env, "run", "sleep a while", "--json", "--allow", "bash", ignore_sigint=ignore_sigint)
    wait_for_processes(proc, tag)
    return proc


@pytest.mark.parametrize("ignore_sigint", [False, True], ids=["plain", "sigint-ignored"])
def test_sigterm_ends_an_agent_run_with_error_and_done(ignore_sigint, llm_project: Path, fake_llm, keys, env):
    tag = marker()
    proc = run_a_sleeping_bash_call(llm_project, fake_llm, {**env, **keys}, tag, ignore_sigint)
    stdout, stderr = stop(proc, signal.SIGTERM)
    assert proc.returncode == 143, stderr
    records = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert [r["type"] for r in records[-2:]] == ["error", "done"], records
    assert records[-2]["error"]["code"] == "interrupted" and records[-1]["reason"] == "interrupted"
    assert "Traceback" not in stderr
    assert wait_gone(tag) == []
    assert len(fake_llm.chat_requests) == 1


def test_sighup_ends_an_agent_run_with_exit_129(llm_project: Path, fake_llm, keys, env):
    tag = marker()
    proc = run_a_sleeping_bash_call(llm_project, fake_llm, {**env, **keys}, tag)
    stdout, stderr = stop(proc, signal.SIGHUP)
    assert proc.returncode == 129, stderr
    assert json.loads(stdout.splitlines()[-1])["reason"] == "interrupted"
    assert wait_gone(tag) == []


def patient(project: Path) -> Path:
    """The project with an idle timeout long enough never to end a test's stalled call."""
    config = project / "opencode.toml"
    config.write_text(config.read_text().replace("idle_timeout = 2", "idle_timeout = 60"))
    return project


def test_sigterm_during_a_streamed_ask_keeps_the_partial_answer(llm_project: Path, fake_llm, keys, env):
    patient(llm_project)
    fake_llm.script(Reply.stall("first words", after=1, seconds=30, chunks=3))
    proc = start(llm_project, {**env, **keys}, "ask", "hi", "--stream")
    assert json.loads(proc.stdout.readline())["type"] == "text_delta"
    rest, stderr = stop(proc, signal.SIGTERM)
    assert proc.returncode == 143, stderr
    records = [json.loads(line) for line in rest.splitlines() if line.startswith("{")]
    assert any(r["type"] == "message" and r.get("interrupted") for r in records)
    assert records[-1]["type"] == "error" and records[-1]["error"]["code"] == "interrupted"


def test_sigterm_during_a_plain_ask(llm_project: Path, fake_llm, keys, env):
    patient(llm_project)
    fake_llm.script(Reply.silent(seconds=30))
    proc = start(llm_project, {**env, **keys}, "ask", "hi")
    fake_llm.wait_for_requests(1, timeout=30)
    stdout, stderr = stop(proc, signal.SIGTERM)
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert json.loads(stdout.splitlines()[-1])["error"]["code"] == "interrupted"
