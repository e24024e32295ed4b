"""Headless agent runs end to end: the CLI, litellm, the fake server, real tools."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from fakellm.script import Reply
from helpers import opencode_command


def session_file(project: Path, session_id: str) -> dict:
    found = list((project / "docs" / "sessions").glob(f"session_*_{session_id[:8]}.json"))
    assert len(found) == 1, found
    return json.loads(found[0].read_text())


def types(result) -> list[str]:
    return [r["type"] for r in result.records]


def test_read_edit_bash_answer(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "app.py").write_text('print("hello")\n')
    fake_llm.script(
        Reply.tool_call("read", {"path": "app.py"}),
        Reply.tool_call("edit", {"path": "app.py", "old_string": 'print("hello")', "new_string": 'print("goodbye")'}),
        Reply.tool_call("bash", {"command": "python3 app.py"}),
        Reply.text("Changed the greeting; it prints goodbye."),
    )
    result = oc("run", "change the greeting", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    assert (llm_project / "app.py").read_text() == 'print("goodbye")\n'
    kinds = types(result)
    assert kinds[0] == "session" and kinds[-1] == "done"
    assert kinds.count("tool_call") == 3 and kinds.count("tool_result") == 3 and kinds.count("step_start") == 4
    results = [r for r in result.records if r["type"] == "tool_result"]
    assert [r["status"] for r in results] == ["completed"] * 3
    assert results[2]["output"].strip() == "goodbye"
    done = result.records[-1]
    assert done["reason"] == "completed" and done["turns"] == 4
    session = session_file(llm_project, done["session_id"])
    tools = [p for m in session["messages"] for p in m["parts"] if p["type"] == "tool"]
    assert [t["tool"] for t in tools] == ["read", "edit", "bash"] and all(t["status"] == "completed" for t in tools)
    assert session["messages"][-1]["parts"][-1]["text"].startswith("Changed the greeting")
    # The model saw each tool's output in the next request.
    assert 'print("hello")' in fake_llm.chat_requests[1].text
    assert "goodbye" in fake_llm.chat_requests[3].text


def test_plain_output_is_only_the_answer(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("x\n")
    fake_llm.script(Reply.tool_call("read", {"path": "a.txt"}), Reply.text("It contains x."))
    result = oc("run", "what is in a.txt?", "--format", "text", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout == "It contains x.\n"


def test_headless_bash_ask_is_denied_and_reported(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_call("bash", {"command": "touch made-by-bash"}), Reply.text("I could not run it."))
    result = oc("run", "make a file", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert not (llm_project / "made-by-bash").exists()
    denied = [r for r in result.records if r["type"] == "tool_result"][0]
    assert denied["status"] == "denied" and "--yes" in denied["error"]
    assert result.records[-1]["denials"][0]["tool"] == "bash"
    assert "Permission denied" in fake_llm.chat_requests[1].text


def test_allow_pattern_and_bash_allow(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_call("bash", {"command": "git status --short"}), Reply.text("clean"))
    result = oc("run", "status?", "--json", "--allow", "bash:git *", extra_env=keys)
    assert [r["status"] for r in result.records if r["type"] == "tool_result"] == ["completed"]
    with open(llm_project / "opencode.toml", "a") as config:
        config.write('[permissions]\nbash_allow = ["echo *"]\n')
    fake_llm.script(Reply.tool_call("bash", {"command": "echo hi && rm -rf x"}), Reply.text("no"))
    result = oc("run", "echo", "--json", extra_env=keys)
    assert [r["status"] for r in result.records if r["type"] == "tool_result"] == ["denied"]


def test_plan_agent_cannot_write_even_with_yes(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_call("write", {"path": "plan.md", "content": "x"}), Reply.text("Here is the plan."))
    result = oc("agent", "plan", "plan the work", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    assert not (llm_project / "plan.md").exists()
    denied = [r for r in result.records if r["type"] == "tool_result"][0]
    assert denied["status"] == "denied" and "read-only" in denied["error"]
    sent_tools = fake_llm.chat_requests[0].tool_names
    assert "read" in sent_tools and "write" not in sent_tools and "edit" not in sent_tools


def test_at_plan_prefix_picks_the_plan_agent(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.text("A plan."))
    result = oc("run", "@plan look around", "--json", extra_env=keys)
    assert result.records[0]["agent"] == "plan"
    assert fake_llm.chat_requests[0].messages[-1]["content"] == "look around"


def test_doom_loop_stops_with_exit_5(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("x\n")
    fake_llm.script(*[Reply.tool_call("read", {"path": "a.txt"}) for _ in range(5)])
    result = oc("run", "read forever", "--json", extra_env=keys)
    assert result.code == 5
    assert result.records[-1]["type"] == "done" and result.records[-1]["reason"] == "doom_loop"
    assert result.records[-2]["type"] == "error"


def test_subagent_through_task(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "src.py").write_text("def target(): pass\n")
    fake_llm.script(
        Reply.tool_call("task", {"description": "find target", "prompt": "Where is target defined?", "agent": "explore"}),
        Reply.tool_call("grep", {"pattern": "def target"}),
        Reply.text("target is in src.py line 1"),
        Reply.text("The subagent found it in src.py."),
    )
    result = oc("run", "where is target?", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    task_result = [r for r in result.records if r["type"] == "tool_result"][0]
    assert task_result["output"] == "target is in src.py line 1"
    child = session_file(llm_project, task_result["metadata"]["session_id"])
    assert child["parent_id"] == result.records[-1]["session_id"] and child["agent"] == "explore"
    assert "Where is target defined?" in fake_llm.chat_requests[1].text
    assert "write" not in fake_llm.chat_requests[1].tool_names


def test_batch_of_five_reads(oc, llm_project: Path, fake_llm, keys):
    for i in range(5):
        (llm_project / f"f{i}.txt").write_text(f"content {i}\n")
    calls = [{"tool": "read", "parameters": {"path": f"f{i}.txt"}} for i in range(5)]
    fake_llm.script(Reply.tool_call("batch", {"tool_calls": calls}), Reply.text("read them all"))
    result = oc("run", "read all", "--json", extra_env=keys)
    batch = [r for r in result.records if r["type"] == "tool_result"][0]
    assert batch["status"] == "completed" and batch["metadata"]["failed"] == 0
    for i in range(5):
        assert f"content {i}" in batch["output"]


def test_max_turns_budget_exit_5(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("x\n")
    fake_llm.script(Reply.tool_call("read", {"path": "a.txt"}), Reply.tool_call("glob", {"pattern": "*"}), Reply.text("never"))
    result = oc("run", "go", "--json", "--max-turns", "2", extra_env=keys)
    assert result.code == 5
    assert result.records[-1]["reason"] == "max_turns" and result.records[-1]["turns"] == 2
    assert len(fake_llm.chat_requests) == 2


def test_error_before_the_loop_still_ends_with_done(oc, llm_project: Path):
    result = oc("run", "hi", "--json", "--model", "anthropic/claude-x")
    assert result.code == 4
    assert types(result)[-2:] == ["error", "done"]


def test_question_answers_headless(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_call("question", {"questions": [{"question": "Which db?", "options": ["pg", "sqlite"]}]}), Reply.text("ok"))
    result = oc("run", "set up", "--json", "--answers", '["sqlite"]', extra_env=keys)
    answered = [r for r in result.records if r["type"] == "tool_result"][0]
    assert answered["status"] == "completed" and "A: sqlite" in answered["output"]
    fake_llm.script(Reply.tool_call("question", {"questions": [{"question": "Which db?"}]}), Reply.text("ok"))
    refused = [r for r in oc("run", "set up", "--json", extra_env=keys).records if r["type"] == "tool_result"][0]
    assert refused["status"] == "error" and "headless" in refused["error"]


def test_compaction_with_a_small_window(oc, llm_project: Path, fake_llm, keys):
    with open(llm_project / "opencode.toml", "a") as config:
        config.write("")
    text = (llm_project / "opencode.toml").read_text().replace('model = "gpt-4o"\n', 'model = "gpt-4o"\ncontext_window = 3000\n', 1)
    (llm_project / "opencode.toml").write_text(text)
    (llm_project / "big.txt").write_text("".join(f"line {i} of a long file\n" for i in range(600)))
    fake_llm.script(
        Reply.tool_call("read", {"path": "big.txt"}),
        Reply.text("## Goal\nread big.txt\n## Relevant files\nbig.txt"),
        Reply.text("Read it; 600 lines."),
    )
    result = oc("run", "read big.txt", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    summary_request = fake_llm.chat_requests[1]
    assert "Summarize the conversation" in summary_request.text
    final_request = fake_llm.chat_requests[2]
    assert "read big.txt" in final_request.text and "line 599" not in final_request.text
    session = session_file(llm_project, result.records[-1]["session_id"])
    assert session["compaction"]["summary"].startswith("## Goal")
    assert any("line 599" in p.get("output", "") for m in session["messages"] for p in m["parts"])


def test_resume_after_sigkill_keeps_finished_parts(llm_project: Path, fake_llm, keys, env, oc):
    (llm_project / "a.txt").write_text("alpha\n")
    fake_llm.script(Reply.tool_call("read", {"path": "a.txt"}), Reply.stall("half an ans", after=1, seconds=30, chunks=3))
    proc = subprocess.Popen(
        [*opencode_command(), "run", "read a.txt", "--json"],
        cwd=llm_project, env={**env, **keys}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    session_id = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        record = json.loads(line)
        session_id = session_id or record.get("session_id")
        if record["type"] == "text_delta":
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    session = session_file(llm_project, session_id)
    tools = [p for m in session["messages"] for p in m["parts"] if p["type"] == "tool"]
    assert tools[0]["status"] == "completed" and "alpha" in tools[0]["output"]
    fake_llm.script(Reply.text("a.txt says alpha"))
    resumed = oc("run", "--session", session_id[:8], "what did it say?", "--json", extra_env=keys)
    assert resumed.code == 0, resumed.stderr
    assert resumed.records[-1]["session_id"] == session_id
    assert "alpha" in fake_llm.chat_requests[-1].text


def test_undo_restores_files(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "keep.txt").write_text("original\n")
    fake_llm.script(
        Reply.tool_calls(("write", {"path": "keep.txt", "content": "changed\n"}), ("write", {"path": "new.txt", "content": "new\n"})),
        Reply.text("done"),
    )
    result = oc("run", "change things", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert (llm_project / "keep.txt").read_text() == "changed\n"
    diff = oc("session", "diff", result.records[-1]["session_id"], "--format", "text")
    assert "+changed" in diff.stdout and "new.txt" in diff.stdout
    undo = oc("undo")
    assert undo.code == 0, undo.stderr
    assert (llm_project / "keep.txt").read_text() == "original\n"
    assert not (llm_project / "new.txt").exists()


def test_in_a_pipe_without_json_stdout_is_the_answer(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.text("An old silent pond"))
    result = oc("run", "write a haiku", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout == "An old silent pond\n"
    assert oc("write", "haiku.txt", input=result.stdout).code == 0
    assert (llm_project / "haiku.txt").read_text() == "An old silent pond\n"
