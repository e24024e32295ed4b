"""``opencode bash`` as a user runs it: exit statuses, timeouts, Ctrl-C, long output."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from helpers import opencode_command
from procs import alive_with, marker, wait_gone, with_sigint


def test_exit_code_passes_through_with_merged_output(oc):
    result = oc("bash", "echo hi; echo err >&2; exit 3")
    assert result.code == 3, result.stderr
    rec = result.record
    assert rec["type"] == "tool_result" and rec["tool"] == "bash"
    assert rec["text"] == "hi\nerr\n"
    assert "hi" in rec["output"] and "err" in rec["output"] and "exit code 3" in rec["output"]
    assert rec["metadata"]["exit_code"] == 3


def test_success_exits_0_and_text_format_prints_raw_output(oc):
    assert oc("bash", "echo fine").code == 0
    result = oc("bash", "printf 'a\\nb'", "--format", "text")
    assert result.code == 0 and result.stdout == "a\nb"


def test_output_pipes_into_write(oc, project: Path):
    piped = oc("bash", "echo generated; echo content").stdout
    assert oc("write", "out.txt", input=piped).code == 0
    assert (project / "out.txt").read_text() == "generated\ncontent\n"


def test_workdir_option_and_outside_project(oc, project: Path, tmp_path: Path):
    (project / "sub").mkdir()
    result = oc("bash", "pwd", "--workdir", "sub")
    assert result.code == 0 and result.record["text"].strip() == str((project / "sub").resolve())
    outside = oc("bash", "pwd", "--workdir", str(tmp_path))
    assert outside.code == 3 and outside.record["error"]["code"] == "permission.denied"
    missing = oc("bash", "pwd", "--workdir", "nope")
    assert missing.code == 1 and "workdir does not exist" in missing.stderr


def test_timeout_returns_quickly_and_leaves_no_process(oc):
    tag = marker()
    started = time.monotonic()
    result = oc("bash", f"sleep {tag} & sleep {tag}", "--timeout", "500", timeout=30)
    assert time.monotonic() - started < 10
    assert result.code == 124
    assert result.record["metadata"]["timed_out"] is True and result.record["metadata"]["exit_code"] == 124
    assert "timed out" in result.record["output"]
    assert wait_gone(tag) == []


def test_sigint_exits_130_and_leaves_no_orphan(project: Path, env):
    tag = marker()
    flag = project / "started"
    proc = subprocess.Popen(
        with_sigint([*opencode_command(), "bash", f"touch started; bash -c 'sleep {tag}; echo' & sleep {tag}"]),
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not (flag.exists() and len(alive_with(f"sleep {tag}")) >= 2) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert alive_with(f"sleep {tag}"), "the command never started"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert b'"interrupted"' in stdout
    assert wait_gone(tag) == []


def test_long_output_is_cut_and_saved_whole(oc):
    result = oc("bash", "head -c 200000 /dev/zero | tr '\\0' 'x'; echo; echo THE-END")
    assert result.code == 0, result.stderr
    rec = result.record
    assert len(rec["output"]) <= 30_000 and len(rec["text"]) <= 30_000
    assert rec["text"].startswith("xxxx") and rec["text"].endswith("THE-END\n")
    assert "characters omitted" in rec["output"]
    saved = Path(rec["metadata"]["output_file"])
    assert str(saved) in rec["output"]
    assert saved.read_text() == "x" * 200_000 + "\nTHE-END\n"
    assert rec["metadata"]["truncated"] is True and rec["metadata"]["output_chars"] == 200_009


def test_command_does_not_read_opencode_stdin(oc):
    result = oc("bash", "cat; echo done", input="piped secret\n")
    assert result.code == 0 and result.record["text"] == "done\n"


def test_bad_timeout_is_usage_error(oc):
    result = oc("tool", "call", "bash", '{"command": "true", "timeout": 700000}')
    assert result.code == 2 and result.record["error"]["code"] == "usage.invalid_params"
