"""More headless agent runs end to end: agents from files, budgets, signals, pipes,
compaction by hand, and the model's mistakes (bad tools, bad arguments) as results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from fakellm.script import Reply, ToolCall
from helpers import opencode_command

REVIEWER = """---
description: Reviews changes for bugs
model: openai/gpt-4o-mini
mode: subagent
tools:
  write: false
---

You are the reviewer. Report bugs, never style nits.
"""

DOCS_TABLE = """
[agents.docs]
description = "Writes documentation"
mode = "primary"
prompt = "You write documentation in plain English."
"""


@dataclass(frozen=True)
class RawArguments(ToolCall):
    """A tool call whose arguments are sent exactly as ``raw``, JSON or not."""

    raw: str = ""

    @property
    def arguments_json(self) -> str:
        return self.raw


def session_file(project: Path, session_id: str) -> dict:
    found = list((project / "docs" / "sessions").glob(f"session_*_{session_id[:8]}.json"))
    assert len(found) == 1, found
    return json.loads(found[0].read_text())


def tool_results(result) -> list[dict]:
    return [r for r in result.records if r["type"] == "tool_result"]


def set_config(project: Path, old: str, new: str) -> None:
    path = project / "opencode.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def add_agents(project: Path) -> None:
    agents = project / ".opencode" / "agents"
    agents.mkdir(parents=True)
    (agents / "reviewer.md").write_text(REVIEWER)
    with open(project / "opencode.toml", "a") as config:
        config.write(DOCS_TABLE)


def start(project: Path, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*opencode_command(), *args],
        cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def read_until(proc: subprocess.Popen, kind: str, timeout: float = 30) -> list[dict]:
    """Records from a running process up to and including the first of type ``kind``."""
    records = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line, f"the process ended before a {kind} record: {records}"
        records.append(json.loads(line))
        if records[-1]["type"] == kind:
            return records
    raise AssertionError(f"no {kind} record within {timeout} s")


# -- agents from files and config ---------------------------------------------------


def test_agent_list_shows_builtins_files_and_config(oc, llm_project: Path):
    add_agents(llm_project)
    result = oc("agent", "list", "--json")
    assert result.code == 0, result.stderr
    assert {r["type"] for r in result.records} == {"agent"}
    by_name = {r["name"]: r for r in result.records}
    assert list(by_name)[:4] == ["build", "plan", "general", "explore"]
    assert by_name["reviewer"]["description"] == "Reviews changes for bugs"
    assert by_name["reviewer"]["mode"] == "subagent" and by_name["reviewer"]["model"] == "openai/gpt-4o-mini"
    assert by_name["reviewer"]["source"].endswith(os.path.join(".opencode", "agents", "reviewer.md"))
    assert by_name["docs"]["description"] == "Writes documentation" and by_name["docs"]["source"] == "config"
    text = oc("agent", "list", "--format", "text")
    assert text.code == 0
    assert "reviewer (subagent): Reviews changes for bugs [model openai/gpt-4o-mini]" in text.stdout
    assert "plan (primary, read-only)" in text.stdout


def test_markdown_agent_runs_with_its_prompt_and_model(oc, llm_project: Path, fake_llm, keys):
    add_agents(llm_project)
    fake_llm.script(Reply.text("No bugs found."))
    result = oc("agent", "reviewer", "review the last change", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.records[0]["type"] == "session" and result.records[0]["agent"] == "reviewer"
    assert result.records[0]["title"] == "review the last change"
    request = fake_llm.chat_requests[0]
    assert request.model == "gpt-4o-mini"
    system = request.messages[0]
    assert system["role"] == "system" and system["content"].startswith("You are the reviewer. Report bugs, never style nits.")
    assert "write" not in request.tool_names and "read" in request.tool_names
    assert request.messages[-1]["content"] == "review the last change"
    assert result.records[-1]["text"] == "No bugs found."


def test_agents_md_is_in_the_system_prompt(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "AGENTS.md").write_text("Always run the tests with `make check`.\n")
    fake_llm.script(Reply.text("ok"))
    result = oc("run", "hello", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    system = fake_llm.chat_requests[0].messages[0]
    assert system["role"] == "system" and "Always run the tests with `make check`." in system["content"]


# -- budgets, timeouts and signals --------------------------------------------------


def test_max_cost_stops_with_exit_5(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("x\n")
    # gpt-4o: 1000 in + 100 out is $0.0035 a turn, so the second turn crosses $0.005.
    fake_llm.script(
        Reply.tool_call("read", {"path": "a.txt"}).with_usage(1000, 100),
        Reply.tool_call("glob", {"pattern": "*.txt"}).with_usage(1000, 100),
        Reply.text("never sent").with_usage(1000, 100),
    )
    result = oc("run", "go", "--json", "--max-cost", "0.005", extra_env=keys)
    assert result.code == 5, result.stderr
    done = result.records[-1]
    assert done["type"] == "done" and done["reason"] == "max_cost" and done["turns"] == 2
    assert done["cost_usd"] == 0.007 and done["usage"]["input_tokens"] == 2000
    assert result.records[-2]["type"] == "error" and "--max-cost" in result.records[-2]["error"]["message"]
    assert len(fake_llm.chat_requests) == 2


def test_timeout_against_a_stalled_reply(oc, llm_project: Path, fake_llm, keys):
    set_config(llm_project, "idle_timeout = 2", "idle_timeout = 30")
    fake_llm.script(Reply.stall("thinking about", after=1, seconds=30, chunks=3))
    started = time.monotonic()
    result = oc("run", "go", "--json", "--timeout", "3", extra_env=keys)
    assert time.monotonic() - started < 25
    assert result.code == 5, result.stderr
    assert [r["type"] for r in result.records[-2:]] == ["error", "done"]
    assert result.records[-1]["reason"] == "timeout"
    assert "--timeout" in result.records[-2]["error"]["message"]
    session_file(llm_project, result.records[-1]["session_id"])


def test_sigint_ends_with_error_and_done_and_saves_the_session(llm_project: Path, fake_llm, keys, env):
    set_config(llm_project, "idle_timeout = 2", "idle_timeout = 30")
    (llm_project / "a.txt").write_text("alpha\n")
    fake_llm.script(Reply.tool_call("read", {"path": "a.txt"}), Reply.stall("half an ans", after=1, seconds=30, chunks=3))
    proc = start(llm_project, {**env, **keys}, "run", "read a.txt", "--json")
    try:
        seen = read_until(proc, "tool_result")
        seen += read_until(proc, "text_delta")
        proc.send_signal(signal.SIGINT)
        rest, stderr = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr
    records = seen + [json.loads(line) for line in rest.splitlines() if line.startswith("{")]
    assert [r["type"] for r in records[-2:]] == ["error", "done"]
    assert records[-2]["error"]["code"] == "interrupted" and records[-1]["reason"] == "interrupted"
    session = session_file(llm_project, records[0]["session_id"])
    tools = [p for m in session["messages"] for p in m["parts"] if p["type"] == "tool"]
    assert tools[0]["status"] == "completed" and "alpha" in tools[0]["output"]


# -- pipes and plain output ---------------------------------------------------------


def test_piped_stdin_becomes_context(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "notes.txt").write_text("The launch code is PELICAN-42.\n")
    piped = oc("read", "notes.txt")
    assert piped.code == 0 and piped.record["type"] == "tool_result"
    fake_llm.script(Reply.text("It is a launch code."))
    # Two words: one word that names a recipe (the shipped explain) runs the recipe.
    result = oc("run", "explain this", "--json", input=piped.stdout, extra_env=keys)
    assert result.code == 0, result.stderr
    sent = fake_llm.chat_requests[0].messages[-1]["content"]
    assert "PELICAN-42" in sent and "explain" in sent and "notes.txt" in sent


def test_plain_output_is_the_answer_and_progress_goes_to_stderr(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("x\n")
    fake_llm.script(Reply.tool_call("read", {"path": "a.txt"}), Reply.tool_call("read", {"path": "missing.txt"}), Reply.text("Done reading."))
    # (In a pipe, records are the default; --format text asks for the text, as a terminal gets.)
    result = oc("run", "read things", "--format", "text", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout == "Done reading.\n"
    assert "→ read a.txt" in result.stderr and "→ read missing.txt" in result.stderr
    assert "missing.txt" in result.stderr.split("→ read missing.txt", 1)[1]  # the failure is reported too
    quiet = oc("-q", "run", "again", "--format", "text", extra_env=keys)
    assert quiet.stdout == "ok\n" and quiet.stderr == ""


# -- compaction by hand and resume --------------------------------------------------


def test_session_compact_then_resume(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("alpha\n")
    fake_llm.script(Reply.tool_call("read", {"path": "a.txt"}), Reply.text("a.txt says alpha."))
    first = oc("run", "what is in a.txt?", "--json", extra_env=keys)
    assert first.code == 0, first.stderr
    session_id = first.records[-1]["session_id"]

    fake_llm.script(Reply.text("## Goal\nKnow a.txt\n## Discoveries\na.txt holds alpha (SUMMARY-MARK)"))
    compacted = oc("session", "compact", session_id[:8], "--json", extra_env=keys)
    assert compacted.code == 0, compacted.stderr
    assert compacted.record["type"] == "session_compacted" and compacted.record["session_id"] == session_id
    summary_request = fake_llm.chat_requests[-1]
    assert "Summarize the conversation" in summary_request.text and "alpha" in summary_request.text
    assert summary_request.tool_names == []
    saved = session_file(llm_project, session_id)
    assert "SUMMARY-MARK" in saved["compaction"]["summary"]
    assert saved["compaction"]["upto"] == saved["messages"][-1]["id"]
    assert len([m for m in saved["messages"] if m["role"] == "user"]) == 1  # the history is kept

    fake_llm.script(Reply.text("Still alpha."))
    resumed = oc("session", "resume", session_id, "and now?", "--json", extra_env=keys)
    assert resumed.code == 0, resumed.stderr
    assert resumed.records[-1]["session_id"] == session_id and resumed.records[-1]["text"] == "Still alpha."
    request = fake_llm.chat_requests[-1]
    assert "SUMMARY-MARK" in request.text and request.messages[-1]["content"] == "and now?"
    assert "what is in a.txt?" not in request.text  # compacted away: the summary stands in for it


# -- the model's mistakes become results ------------------------------------------------


def test_a_tool_error_goes_back_to_the_model_and_the_run_continues(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_call("read", {"path": "nope.txt"}), Reply.text("The file does not exist."))
    result = oc("run", "read nope.txt", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    failed = tool_results(result)[0]
    assert failed["status"] == "error" and failed["output"].startswith("Error:") and "nope.txt" in failed["output"]
    assert result.records[-1]["reason"] == "completed" and result.records[-1]["turns"] == 2
    answer = fake_llm.chat_requests[1].messages[-1]
    assert answer["role"] == "tool" and answer["content"].startswith("Error:") and "nope.txt" in answer["content"]


def test_invalid_json_arguments_become_an_error_result(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_calls(RawArguments("read", raw='{"path": "a.txt"')), Reply.text("Sorry, my arguments were broken."))
    result = oc("run", "read a.txt", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    call = next(r for r in result.records if r["type"] == "tool_call")
    assert call["tool"] == "read" and call["input"] == {"_raw": '{"path": "a.txt"'}
    failed = tool_results(result)[0]
    assert failed["status"] == "error" and "not valid JSON" in failed["error"]
    assert result.records[-1]["reason"] == "completed"
    assert "not valid JSON" in fake_llm.chat_requests[1].messages[-1]["content"]


def test_an_unknown_tool_becomes_an_error_result(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_call("teleport", {"to": "mars"}), Reply.text("There is no such tool."))
    result = oc("run", "go to mars", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    failed = tool_results(result)[0]
    assert failed["tool"] == "teleport" and failed["status"] == "error" and "unknown tool 'teleport'" in failed["error"]
    assert "unknown tool" in fake_llm.chat_requests[1].messages[-1]["content"]
    assert result.records[-1]["reason"] == "completed"


def test_a_path_outside_the_project_is_a_denial(oc, llm_project: Path, fake_llm, keys, tmp_path: Path):
    outside = tmp_path / "secret.txt"
    outside.write_text("top secret\n")
    fake_llm.script(Reply.tool_call("read", {"path": str(outside)}), Reply.text("Not allowed."))
    result = oc("run", "read it", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    denied = tool_results(result)[0]
    assert denied["status"] == "denied" and "outside the project" in denied["error"]
    assert [d["tool"] for d in result.records[-1]["denials"]] == ["read"]
    assert "top secret" not in fake_llm.chat_requests[1].text


def test_doom_loop_allowed_by_config_runs_on(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("x\n")
    with open(llm_project / "opencode.toml", "a") as config:
        config.write('[permissions]\ndoom_loop = "allow"\n')
    fake_llm.script(*[Reply.tool_call("read", {"path": "a.txt"}) for _ in range(4)], Reply.text("Read it four times."))
    result = oc("run", "read a.txt again and again", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.records[-1]["reason"] == "completed" and result.records[-1]["turns"] == 5
    assert [r["status"] for r in tool_results(result)] == ["completed"] * 4


def test_a_batch_of_writes_gets_an_undo_point(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.txt").write_text("before\n")
    calls = [{"tool": "write", "parameters": {"path": "a.txt", "content": "after\n"}}, {"tool": "write", "parameters": {"path": "b.txt", "content": "new\n"}}]
    fake_llm.script(Reply.tool_call("batch", {"tool_calls": calls}), Reply.text("Wrote both."))
    result = oc("run", "write both", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert tool_results(result)[0]["metadata"]["failed"] == 0
    assert (llm_project / "a.txt").read_text() == "after\n"
    assert len(session_file(llm_project, result.records[-1]["session_id"])["snapshots"]) == 1
    undo = oc("undo")
    assert undo.code == 0, undo.stderr
    assert (llm_project / "a.txt").read_text() == "before\n" and not (llm_project / "b.txt").exists()


def test_an_unsaveable_session_still_ends_with_done(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "docs").mkdir()
    (llm_project / "docs" / "sessions").write_text("a file where the sessions folder should be\n")
    result = oc("run", "hello", "--json", extra_env=keys)
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert [r["type"] for r in result.records] == ["session", "error", "done"]
    assert result.records[-1]["reason"] == "error" and result.records[-1]["warnings"]
    assert fake_llm.chat_requests == []


def test_a_retried_model_call_is_reported_and_the_run_goes_on(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.error(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "0"}), Reply.text("ok"))
    result = oc("run", "hi", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    retries = [r for r in result.records if r["type"] == "retry"]
    assert [(r["attempt"], r["reason"]) for r in retries] == [(1, "HTTP 429")]
    assert result.records[-1]["reason"] == "completed" and result.records[-1]["text"] == "ok"
