"""The bash tool itself: exit codes, workdir, timeouts, cancellation, long output."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from opencode.errors import InvalidParams, PermissionDenied, ToolError
from opencode.paths import PathPolicy
from opencode.tools import bash
from opencode.tools.base import ToolContext
from helpers import call_tool
from procs import alive_with, marker, wait_gone


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    root = tmp_path / "proj"
    (root / "sub").mkdir(parents=True)
    return ToolContext(paths=PathPolicy(root=root, cwd=root), data_dir=tmp_path / "data", env=dict(os.environ))


def call(ctx: ToolContext, **params):
    return asyncio.run(call_tool(bash.SPEC, params, ctx))


def test_merged_output_and_exit_code(ctx):
    result = call(ctx, command="echo out; echo err >&2; exit 3")
    assert result.text == "out\nerr\n"
    assert result.exit_status == 3 and result.metadata["exit_code"] == 3
    assert result.output == "out\nerr\n\n(exit code 3)"
    assert result.metadata["timed_out"] is False and "output_file" not in result.metadata


def test_success_output_has_no_exit_line_and_empty_output_says_so(ctx):
    assert call(ctx, command="echo ok").output == "ok"
    quiet = call(ctx, command="true")
    assert quiet.output == "(no output)" and quiet.text == "" and quiet.exit_status == 0


def test_description_becomes_the_title(ctx):
    result = call(ctx, command="echo x", description="Print x")
    assert result.title == "Print x" and result.metadata["description"] == "Print x"
    assert call(ctx, command="echo y").title == "echo y"


def test_runs_in_cwd_or_workdir(ctx):
    assert call(ctx, command="pwd").text.strip() == str(ctx.root)
    result = call(ctx, command="pwd", workdir="sub")
    assert result.text.strip() == str(ctx.root / "sub")
    assert result.metadata["workdir"] == "sub"


def test_workdir_outside_project_is_denied(ctx, tmp_path):
    with pytest.raises(PermissionDenied):
        call(ctx, command="pwd", workdir=str(tmp_path))


def test_missing_or_file_workdir_is_a_clear_error(ctx):
    with pytest.raises(ToolError, match="workdir does not exist: nope"):
        call(ctx, command="pwd", workdir="nope")
    (ctx.root / "f.txt").write_text("x")
    with pytest.raises(ToolError, match="not a directory"):
        call(ctx, command="pwd", workdir="f.txt")


def test_timeout_is_validated_in_milliseconds(ctx):
    with pytest.raises(InvalidParams, match="600000"):
        call(ctx, command="true", timeout=600_001)
    with pytest.raises(InvalidParams):
        call(ctx, command="true", timeout=0)


def test_stdin_is_closed(ctx):
    started = time.monotonic()
    result = call(ctx, command="cat; echo after", timeout=5000)
    assert result.text == "after\n" and time.monotonic() - started < 3


def test_utf8_split_across_chunks_is_kept(ctx):
    result = call(ctx, command="printf 'h\\303'; sleep 0.05; printf '\\251llo ✓\\n'")
    assert result.text == "héllo ✓\n"


def test_killed_by_signal_is_128_plus_n(ctx):
    result = call(ctx, command="kill -9 $$")
    assert result.exit_status == 137 and result.metadata["signal"] == 9


def test_timeout_stops_the_whole_tree(ctx):
    tag = marker()
    started = time.monotonic()
    result = call(ctx, command=f"echo begun; sleep {tag} & bash -c 'sleep {tag}; echo'", timeout=300)
    assert time.monotonic() - started < 5
    assert result.exit_status == 124 and result.metadata["timed_out"] is True
    assert result.text == "begun\n"
    assert "timed out after 300 ms" in result.output
    assert wait_gone(tag) == []


def test_timeout_reaches_jobs_in_their_own_group_and_ignoring_term(ctx):
    tag = marker()
    result = call(ctx, command=f"set -m; sleep {tag} & trap '' TERM; sleep {tag}", timeout=200)
    assert result.metadata["timed_out"] is True
    assert wait_gone(tag) == []


def test_cancellation_stops_the_tree_and_propagates(ctx):
    tag = marker()
    flag = ctx.root / "started"

    async def scenario():
        task = asyncio.create_task(call_tool(bash.SPEC, {"command": f"touch started; sleep {tag} & sleep {tag}"}, ctx))
        for _ in range(500):
            if flag.exists() and alive_with(tag):
                break
            await asyncio.sleep(0.02)
        assert alive_with(tag)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert wait_gone(tag) == []


def test_background_job_holding_the_pipe_does_not_block(ctx):
    tag = marker()
    started = time.monotonic()
    try:
        result = call(ctx, command=f"echo a; sleep {tag} & echo b")
        assert time.monotonic() - started < 3
        assert result.text == "a\nb\n" and result.exit_status == 0
    finally:
        for pid in alive_with(tag):
            os.kill(pid, 9)


def test_long_output_keeps_head_and_tail_and_saves_everything(ctx):
    result = call(ctx, command="seq 1 40000")
    expected = "".join(f"{i}\n" for i in range(1, 40001))
    assert result.metadata["truncated"] is True and result.metadata["output_chars"] == len(expected)
    assert len(result.output) <= bash.MAX_OUTPUT and len(result.text) <= bash.MAX_OUTPUT
    assert result.text.startswith("1\n2\n3\n") and result.text.endswith("39999\n40000\n")
    saved = Path(result.metadata["output_file"])
    assert saved.parent == ctx.data_dir / "tool-output"
    assert saved.read_text() == expected
    assert "characters omitted" in result.text and str(saved) in result.text


def test_capture_keeps_short_output_in_memory_only(tmp_path):
    capture = bash.OutputCapture(tmp_path / "out")
    capture.write(b"short\n")
    capture.close()
    assert capture.text() == "short\n" and capture.path is None and not (tmp_path / "out").exists()


def test_capture_streams_to_file_and_cuts_at_lines(tmp_path):
    capture = bash.OutputCapture(tmp_path / "out")
    lines = [f"line {i:06d}\n".encode() for i in range(20_000)]
    for start in range(0, len(lines), 997):
        capture.write(b"".join(lines[start : start + 997]))
    capture.close()
    text = capture.text()
    head, _, tail = text.partition("characters omitted")
    assert head.startswith("line 000000\n") and tail.endswith("line 019999\n")
    kept = text.splitlines()
    assert kept[0] == "line 000000" and kept[-1] == "line 019999"
    assert all(len(line) == 11 for line in kept if line.startswith("line "))
    assert capture.path is not None and capture.path.read_bytes() == b"".join(lines)
    assert len(text) <= bash.MAX_OUTPUT


def test_capture_survives_an_unwritable_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    capture = bash.OutputCapture(blocker / "out")
    capture.write(b"x" * (bash.MAX_OUTPUT + 10))
    capture.close()
    assert capture.path is None and "could not be saved" in capture.text()
    assert len(capture.text()) <= bash.MAX_OUTPUT


def test_spec_shape():
    spec = bash.SPEC
    assert spec.permission == "execute" and spec.positional == ("command",) and not spec.loop_free
    assert "milliseconds" in spec.description and "600000" in spec.description
    assert "workdir" in spec.description and "full output" in spec.description
