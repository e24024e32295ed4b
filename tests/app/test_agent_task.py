"""Whole agent runs through ``app.run.AgentTask``, in-process on a scripted model.

Each test drives the task the way a face does (``async for record in
task.records()``) and checks what a user would see: the records, the files on disk,
the saved session, the exit status, and what the model was shown.
"""

from __future__ import annotations

import asyncio
import json
import time

from app_helpers import Run, ScriptedPerson, offered_tools, tool_messages, tool_parts, user_texts
from opencode import protocol
from opencode.agent.compaction import SUMMARY_REQUEST
from opencode.llm.scripted import text_reply, tool_reply

EDIT_SCRIPT = (
    tool_reply("read", {"path": "greet.py"}),
    tool_reply("edit", {"path": "greet.py", "old_string": "hello", "new_string": "goodbye"}),
    tool_reply("bash", {"command": "cat greet.py"}),
    text_reply("greet.py now says goodbye."),
)


def edit_run(workspace_for):
    """Read, edit and check a file with bash (approved by yes=True), then answer."""
    harness = workspace_for(*EDIT_SCRIPT)
    (harness.root / "greet.py").write_text("print('hello')\n")
    return harness, harness.run("make greet.py say goodbye", yes=True)


# -- a whole run -----------------------------------------------------------------


def test_run_records_start_with_session_and_end_with_done(workspace_for):
    """The protocol's shape: session first, each call then its result, the answer, done last."""
    _, run = edit_run(workspace_for)

    assert run.types() == ["session", *["tool_call", "tool_result"] * 3, "message", "done"]
    assert [r["tool"] for r in run.results] == ["read", "edit", "bash"]
    assert run.done["reason"] == "completed"
    assert run.done["text"] == "greet.py now says goodbye."
    assert run.done["session_id"] == run.session_id
    assert run.exit_code == 0


def test_run_tool_results_are_completed(workspace_for):
    """Every call of an approved run completes, with the tool's real output."""
    _, run = edit_run(workspace_for)

    assert [r["status"] for r in run.results] == ["completed"] * 3
    assert run.results[0]["text"] == "print('hello')\n"
    assert run.results[2]["text"] == "print('goodbye')\n"


def test_run_really_changes_the_file(workspace_for):
    """The edit lands on disk, not only in the records."""
    harness, _ = edit_run(workspace_for)

    assert (harness.root / "greet.py").read_text() == "print('goodbye')\n"


def test_run_saves_the_session_with_its_tool_parts(workspace_for):
    """The session file in docs/sessions holds the prompt, every call and the answer."""
    harness, run = edit_run(workspace_for)

    saved = harness.saved(run.session_id)
    parts = tool_parts(saved)
    assert [(p["tool"], p["status"]) for p in parts] == [("read", "completed"), ("edit", "completed"), ("bash", "completed")]
    assert parts[0]["input"] == {"path": "greet.py"}
    texts = [p["text"] for m in saved["messages"] for p in m["parts"] if p["type"] == "text"]
    assert texts[0] == "make greet.py say goodbye"
    assert texts[-1] == "greet.py now says goodbye."


def test_model_sees_each_tool_output_in_the_next_request(workspace_for):
    """What a tool returned is what the model reads back on the next turn."""
    harness, run = edit_run(workspace_for)

    requests = harness.model.requests
    assert len(requests) == 4
    for result, following in zip(run.results, requests[1:]):
        last = tool_messages(following)[-1]
        assert last["content"] == result["output"]


def test_run_without_a_key_still_ends_with_done(workspace_for, env):
    """A run that cannot start (no provider key) still ends error + done, exit 4."""
    harness = workspace_for("never sent", env=env)

    run = harness.run("hello")

    assert run.types() == ["error", "done"]
    assert run.of("error")[0]["error"]["code"] == "provider.auth"
    assert run.exit_code == 4
    assert harness.model.requests == []


# -- permissions -----------------------------------------------------------------


def test_headless_bash_is_denied_and_the_model_is_told(workspace_for):
    """Without yes or a person, bash does not run; done lists it and the model learns why."""
    harness = workspace_for(tool_reply("bash", {"command": "touch ran.txt"}), "I could not run it.")

    run = harness.run("create ran.txt")

    assert run.results[0]["status"] == "denied"
    assert not (harness.root / "ran.txt").exists()
    assert [d["tool"] for d in run.done["denials"]] == ["bash"]
    assert run.done["denials"][0]["input"] == {"command": "touch ran.txt"}
    assert tool_messages(harness.model.requests[1])[-1]["content"].startswith("Permission denied")
    assert run.exit_code == 0


def test_allow_grant_runs_matching_commands_only(workspace_for):
    """allow=("bash:echo *",) approves echo, and nothing else."""
    harness = workspace_for(
        tool_reply("bash", {"command": "echo granted"}),
        tool_reply("bash", {"command": "touch other.txt"}),
        "done",
    )

    run = harness.run("echo, then touch", allow=("bash:echo *",))

    assert [r["status"] for r in run.results] == ["completed", "denied"]
    assert run.results[0]["text"] == "granted\n"
    assert not (harness.root / "other.txt").exists()
    assert [d["input"]["command"] for d in run.done["denials"]] == ["touch other.txt"]


def test_always_answer_is_asked_once_for_similar_commands(workspace_for):
    """Answering "always" to `echo one` covers `echo two`: the person is asked once."""
    person = ScriptedPerson("always")
    harness = workspace_for(
        tool_reply("bash", {"command": "echo one"}),
        tool_reply("bash", {"command": "echo two"}),
        "both ran",
        person=person,
    )

    run = harness.run("echo twice")

    assert [r["status"] for r in run.results] == ["completed", "completed"]
    assert [r["text"] for r in run.results] == ["one\n", "two\n"]
    assert len(person.asks) == 1
    assert person.asks[0].tool == "bash"


def test_plan_agent_cannot_write_even_with_yes(workspace_for):
    """The plan agent is read-only: yes=True does not let a write through."""
    harness = workspace_for(tool_reply("write", {"path": "plan.md", "content": "x"}), "ok")

    run = harness.run("write a plan file", agent="plan", yes=True)

    assert run.results[0]["status"] == "denied"
    assert not (harness.root / "plan.md").exists()
    assert [d["tool"] for d in run.done["denials"]] == ["write"]


def test_plan_agent_is_not_offered_write(workspace_for):
    """The model running as plan is not even shown the write tools."""
    harness = workspace_for("a plan")

    harness.run("plan something", agent="plan")

    offered = offered_tools(harness.model.requests[0])
    assert "read" in offered
    assert not {"write", "edit", "rm"} & offered


# -- limits ------------------------------------------------------------------------


def test_max_turns_stops_the_run(workspace_for):
    """The turn budget ends a run with reason max_turns and exit 5."""
    harness = workspace_for(tool_reply("read", {"path": "a.txt"}), tool_reply("read", {"path": "b.txt"}), "never")
    (harness.root / "a.txt").write_text("a\n")

    run = harness.run("read things", max_turns=1)

    assert run.done["reason"] == "max_turns"
    assert run.of("error")[0]["error"]["code"] == "limit.reached"
    assert run.exit_code == 5
    assert len(harness.model.requests) == 1


def test_timeout_stops_a_long_command(workspace_for):
    """timeout= ends the run while bash sleeps: reason timeout, exit 5, long before 5 s."""
    harness = workspace_for(tool_reply("bash", {"command": "sleep 5"}), "never")

    began = time.monotonic()
    run = harness.run("sleep", yes=True, timeout=0.3)
    elapsed = time.monotonic() - began

    assert run.done["reason"] == "timeout"
    assert run.types()[-2:] == ["error", "done"]
    assert run.exit_code == 5
    assert elapsed < 4, f"the run waited for the command ({elapsed:.1f} s)"


def test_cancelling_the_task_ends_the_run_with_done(workspace_for):
    """A cancelled consumer (Ctrl-C, a client gone) still gets error + done, exit 130,
    and the session is saved."""
    harness = workspace_for(tool_reply("bash", {"command": "sleep 5"}), "never")
    task = harness.task("sleep", yes=True)
    seen: list[dict] = []

    async def consume() -> None:
        async for record in task.records():
            seen.append(record)

    async def main() -> None:
        runner = asyncio.create_task(consume())
        for _ in range(500):  # at most 5 s for the model to call bash
            if any(r["type"] == "tool_call" for r in seen):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # let the command start
        runner.cancel()
        await asyncio.wait_for(runner, 5)

    asyncio.run(main())
    run = Run(seen, task.exit_code)

    assert run.types()[-2:] == ["error", "done"]
    assert run.of("error")[-1]["error"]["code"] == "interrupted"
    assert run.done["reason"] == "interrupted"
    assert run.exit_code == 130
    saved = harness.saved(run.session_id)
    assert [p["tool"] for p in tool_parts(saved)] == ["bash"]


def test_a_call_cut_off_is_saved_as_failed_and_the_model_hears_of_it(workspace_for):
    """A timeout stops the run mid-call; resumed, the model is told the call did not
    finish (a part left "running" would be dropped from what it is sent)."""
    harness = workspace_for(tool_reply("bash", {"command": "sleep 5"}), "It was stopped.")
    first = harness.run("sleep", yes=True, timeout=0.5)
    assert first.done["reason"] == "timeout"
    part = tool_parts(harness.saved(first.session_id))[0]
    assert part["status"] == "error" and "stopped before it finished" in part["output"]

    resumed = harness.run("what happened?", session=first.session_id)
    assert resumed.exit_code == 0
    told = tool_messages(harness.model.requests[-1])
    assert len(told) == 1 and "stopped before it finished" in told[0]["content"]


def test_a_new_session_is_named_after_the_question_not_the_piped_context(workspace_for):
    harness = workspace_for("Looks fine.")
    piped = protocol.parse_input("diff --git a/x b/x\n+new line\n")
    run = harness.run("@plan review this change", piped=piped)
    assert harness.saved(run.session_id)["title"] == "review this change"


def test_doom_loop_stops_the_same_call_repeated(workspace_for):
    """The same call three times in a row stops the run (doom_loop, exit 5)."""
    same = tool_reply("read", {"path": "a.txt"})
    harness = workspace_for(same, same, same, same, "never")
    (harness.root / "a.txt").write_text("a\n")

    run = harness.run("read a.txt forever")

    assert run.done["reason"] == "doom_loop"
    assert run.exit_code == 5
    assert len(harness.model.requests) == 3


# -- tools that need the run -------------------------------------------------------


def test_task_tool_runs_a_subagent_in_a_child_session(workspace_for):
    """`task` with agent explore runs in its own session, whose parent is this run's."""
    harness = workspace_for(
        tool_reply("task", {"description": "find main", "prompt": "where is main?", "agent": "explore"}),
        text_reply("main is in app.py"),  # the subagent's answer
        text_reply("The subagent says main is in app.py."),
    )

    run = harness.run("find main")

    result = run.results[0]
    assert result["status"] == "completed"
    assert result["output"] == "main is in app.py"
    child = harness.saved(result["metadata"]["session_id"])
    assert child["parent_id"] == run.session_id
    assert child["agent"] == "explore"
    assert child["id"] != run.session_id


def test_batch_reads_several_files(workspace_for):
    """`batch` runs its reads and hands back every output."""
    harness = workspace_for(
        tool_reply("batch", {"tool_calls": [
            {"tool": "read", "parameters": {"path": "one.txt"}},
            {"tool": "read", "parameters": {"path": "two.txt"}},
        ]}),
        "read both",
    )
    (harness.root / "one.txt").write_text("first file\n")
    (harness.root / "two.txt").write_text("second file\n")

    run = harness.run("read both files")

    result = run.results[0]
    assert result["status"] == "completed"
    assert [r["status"] for r in result["metadata"]["results"]] == ["completed", "completed"]
    assert "first file" in result["output"] and "second file" in result["output"]


def test_batch_cannot_smuggle_bash_past_permissions(workspace_for):
    """A bash call inside a batch meets the same rules: headless, it is denied."""
    harness = workspace_for(
        tool_reply("batch", {"tool_calls": [
            {"tool": "read", "parameters": {"path": "one.txt"}},
            {"tool": "bash", "parameters": {"command": "touch smuggled.txt"}},
        ]}),
        "done",
    )
    (harness.root / "one.txt").write_text("first file\n")

    run = harness.run("read and touch")

    inner = run.results[0]["metadata"]["results"]
    assert [(r["tool"], r["status"]) for r in inner] == [("read", "completed"), ("bash", "denied")]
    assert not (harness.root / "smuggled.txt").exists()
    assert [d["tool"] for d in run.done["denials"]] == ["bash"]


QUESTION = tool_reply("question", {"questions": [{"question": "Which color?", "options": ["red", "blue"]}]})


def test_question_answered_in_advance(workspace_for):
    """answers=[...] answers the question tool without a person."""
    harness = workspace_for(QUESTION, "red it is")

    run = harness.run("pick a color", answers=["red"])

    assert run.results[0]["status"] == "completed"
    assert run.results[0]["metadata"]["answers"] == ["red"]
    assert "A: red" in tool_messages(harness.model.requests[1])[-1]["content"]


def test_question_answered_by_a_person(workspace_for):
    """With a person there, the question goes to them and their answer to the model."""
    person = ScriptedPerson(answers=["blue"])
    harness = workspace_for(QUESTION, "blue it is", person=person)

    run = harness.run("pick a color")

    assert person.questions[0][0]["question"] == "Which color?"
    assert run.results[0]["metadata"]["answers"] == ["blue"]
    assert "A: blue" in tool_messages(harness.model.requests[1])[-1]["content"]


def test_question_headless_without_answers_is_an_error(workspace_for):
    """Nobody to answer and no answers given: the call fails instead of hanging."""
    harness = workspace_for(QUESTION, "I will assume red")

    run = harness.run("pick a color")

    assert run.results[0]["status"] == "error"
    assert "nobody can answer" in run.results[0]["error"]
    assert run.done["reason"] == "completed"


def test_leaving_plan_mode_without_a_person_is_denied(workspace_for):
    """The model cannot lift plan's read-only rule by itself."""
    harness = workspace_for(
        tool_reply("plan", {"action": "exit"}),
        tool_reply("write", {"path": "out.txt", "content": "x"}),
        "stuck in plan",
    )

    run = harness.run("plan, then build", agent="plan")

    assert [r["status"] for r in run.results] == ["denied", "denied"]
    assert not (harness.root / "out.txt").exists()
    assert "write" not in offered_tools(harness.model.requests[1])


def test_leaving_plan_mode_with_approval_allows_writing(workspace_for):
    """A person answering "once" lets the run leave plan mode, and then write."""
    person = ScriptedPerson("once")
    harness = workspace_for(
        tool_reply("plan", {"action": "exit"}),
        tool_reply("write", {"path": "out.txt", "content": "built\n"}),
        "built it",
        person=person,
    )

    run = harness.run("plan, then build", agent="plan")

    assert [r["status"] for r in run.results] == ["completed", "completed"]
    assert run.results[0]["metadata"]["agent"] == "build"
    assert [a.kind for a in person.asks] == ["plan_exit"]
    assert "write" in offered_tools(harness.model.requests[1])
    assert (harness.root / "out.txt").read_text() == "built\n"


def test_unknown_agent_ends_before_start(workspace_for):
    """An unknown agent: exactly error + done, exit 2, and no model call."""
    harness = workspace_for("never")

    run = harness.run("hello", agent="nobody")

    assert run.types(skip=()) == ["error", "done"]
    assert "unknown agent 'nobody'" in run.records[0]["error"]["message"]
    assert run.exit_code == 2
    assert harness.model.requests == []


# -- input and context -------------------------------------------------------------


def test_piped_tool_result_becomes_context(workspace_for):
    """A piped `read` record is put before the prompt in the first user message."""
    harness = workspace_for("It sets the version.")
    (harness.root / "notes.txt").write_text("version = 3\n")
    piped = protocol.parse_input(protocol.dumps(harness.workspace.run_tool("read", {"path": "notes.txt"}).record()) + "\n")

    run = harness.run("what does this do?", piped=piped)

    first = user_texts(harness.model.requests[0])[0]
    assert "output of `read` for notes.txt" in first
    assert "version = 3" in first
    assert first.endswith("what does this do?")
    assert run.exit_code == 0


def test_piped_error_stops_the_run(workspace_for):
    """A failed command before the pipe stops this one: error + done, exit 1."""
    harness = workspace_for("never")
    piped = protocol.parse_input(protocol.dumps(protocol.error_record({"code": "tool.failed", "message": "boom"})))

    run = harness.run("explain", piped=piped)

    assert run.types(skip=()) == ["error", "done"]
    assert "boom" in run.records[0]["error"]["message"]
    assert run.exit_code == 1
    assert harness.model.requests == []


def test_compaction_summarizes_a_conversation_that_outgrows_the_window(workspace_for):
    """A read too big for a 3000-token window makes the run ask for a summary, keep it
    in the session, and go on from it."""
    harness = workspace_for(
        tool_reply("read", {"path": "big.txt"}),
        text_reply("SUMMARY: big.txt holds 300 numbered lines."),
        text_reply("big.txt has 300 lines."),
        context_window=3000,
    )
    (harness.root / "big.txt").write_text("".join(f"line {i} {'x' * 60}\n" for i in range(300)))

    run = harness.run("how long is big.txt?")

    requests = harness.model.requests
    summary_requests = [r for r in requests if r.messages[-1]["content"] == SUMMARY_REQUEST]
    assert len(summary_requests) == 1
    assert "SUMMARY: big.txt" in json.dumps(requests[-1].messages)
    saved = harness.saved(run.session_id)
    assert saved["compaction"]["summary"] == "SUMMARY: big.txt holds 300 numbered lines."
    assert [p["tool"] for p in tool_parts(saved)] == ["read"]  # the file keeps the full history
    assert run.done["text"] == "big.txt has 300 lines."


def test_continued_session_sees_the_first_conversation(workspace_for):
    """TaskOptions(session=id) resumes: the model is sent the earlier prompt and answer."""
    first = workspace_for("Noted: the word is banana.").run("remember the word banana")
    later = workspace_for("The word was banana.")

    run = later.run("what was the word?", session=first.session_id)

    sent = later.model.requests[0].messages
    contents = [m["content"] for m in sent if m["role"] != "system"]
    assert contents[:2] == ["remember the word banana", "Noted: the word is banana."]
    assert contents[-1] == "what was the word?"
    assert run.done["session_id"] == first.session_id
