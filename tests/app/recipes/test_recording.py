"""Recording a run's model exchanges and replaying them, through the real services.

A workspace whose model is a ``RecordingClient`` over a ``ScriptedModel`` runs the
real ``ask`` and a real ``AgentTask``; a second workspace whose model is a
``ReplayClient`` (and nothing else: no scripted model, no network) runs them again,
and what a user sees must be the same.
"""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest

from opencode.app.ask import AskOptions, ask
from opencode.app.recipes.recording import STEP, RecordingClient, ReplayClient, fingerprint, in_step
from opencode.app.run import AgentTask, TaskOptions
from opencode.app.workspace import Workspace
from opencode.errors import ProviderError, UsageError
from opencode.llm.scripted import ScriptedModel, text_reply, tool_reply
from opencode.llm.types import Request

KEY = "sk-test-0123456789abcdefXYZ"


@pytest.fixture
def keyed(env: dict[str, str]) -> dict[str, str]:
    return {**env, "ANTHROPIC_API_KEY": KEY}


@pytest.fixture
def tape(tmp_path: Path) -> Path:
    return tmp_path / "run.jsonl"


def recording(project: Path, env: dict[str, str], tape: Path, *replies) -> Workspace:
    """A workspace whose model calls go to ``replies`` and are written to ``tape``."""
    box: list[Workspace] = []
    client = RecordingClient(ScriptedModel(*replies), tape, recipe="demo", redact=lambda text: box[0].redactor.text(text))
    box.append(Workspace(project, env, model_client=client))
    return box[0]


def replaying(project: Path, env: dict[str, str], tape: Path) -> Workspace:
    return Workspace(project, env, model_client=ReplayClient(tape))


async def asked(workspace: Workspace, step: str, prompt: str, **options) -> list[dict]:
    with in_step(step):
        return [record async for record in ask(workspace, AskOptions(prompt, **options))]


async def agent_run(workspace: Workspace, step: str, prompt: str) -> list[dict]:
    with in_step(step):
        return [record async for record in AgentTask(workspace, prompt, TaskOptions(yes=True)).records()]


def lines(tape: Path) -> list[dict]:
    return [json.loads(line) for line in tape.read_text(encoding="utf-8").splitlines()]


def seen(records: list[dict]) -> list[tuple]:
    """What a user sees of a run, without ids and timings."""
    keep = {"text_delta": ("text",), "tool_call": ("tool", "input"), "tool_result": ("tool", "status", "text"), "message": ("text", "model")}
    return [(r["type"], *(r.get(k) for k in keep[r["type"]])) for r in records if r["type"] in keep]


def test_an_ask_replays_as_it_was_recorded(project, keyed, tape):
    """A plain and a streamed ask, recorded then replayed: the same messages."""
    workspace = recording(project, keyed, tape, "The answer is 42.", "A streamed answer, in pieces.")
    first = asyncio.run(asked(workspace, "review", "What is the answer?"))
    second = asyncio.run(asked(workspace, "summary", "Stream it", stream=True))

    again = replaying(project, keyed, tape)
    first_again = asyncio.run(asked(again, "review", "What is the answer?"))
    second_again = asyncio.run(asked(again, "summary", "Stream it", stream=True))

    assert seen(first_again) == seen(first) and first_again[-1]["text"] == "The answer is 42."
    assert seen(second_again)[-1] == seen(second)[-1] == ("message", "A streamed answer, in pieces.", second[-1]["model"])
    assert len([r for r in second_again if r["type"] == "text_delta"]) > 1
    assert first_again[-1]["cached"] is False
    header, *exchanges = lines(tape)
    assert header == {"type": "recording", "v": 1, "recipe": "demo"}
    assert [(e["step"], e["call"], e["stream"]) for e in exchanges] == [("review", 1, False), ("summary", 1, True)]


def test_an_agent_run_replays_its_tool_calls_and_runs_the_tools_again(project, keyed, tape):
    """The replayed run makes the same call; the tool really runs (on today's file)."""
    (project / "greet.py").write_text("print('hello')\n")
    script = (tool_reply("read", {"path": "greet.py"}), text_reply("greet.py prints hello."))
    recorded = asyncio.run(agent_run(recording(project, keyed, tape, *script), "explain", "what does greet.py do?"))

    replayed = asyncio.run(agent_run(replaying(project, keyed, tape), "explain", "what does greet.py do?"))

    assert seen(replayed) == seen(recorded)
    assert ("tool_call", "read", {"path": "greet.py"}) in seen(replayed)
    assert ("tool_result", "read", "completed", "print('hello')\n") in seen(replayed)
    assert replayed[-1]["type"] == "done" and replayed[-1]["text"] == "greet.py prints hello."
    assert [(e["step"], e["call"]) for e in lines(tape)[1:]] == [("explain", 1), ("explain", 2)]


def test_a_changed_prompt_is_a_provider_error_naming_the_step(project, keyed, tape):
    """Another question than the recorded one: exit 4, naming step and call, hinting --record."""
    asyncio.run(asked(recording(project, keyed, tape, "Paris."), "capital", "What is the capital of France?"))
    again = replaying(project, keyed, tape)

    with pytest.raises(ProviderError) as raised:
        asyncio.run(asked(again, "capital", "What is the capital of Spain?"))

    assert raised.value.exit_code == 4
    assert "'capital', call 1" in raised.value.message and "differs from the recording" in raised.value.message
    assert "--record" in (raised.value.hint or "")


def test_a_call_the_recording_does_not_hold_is_a_provider_error(project, keyed, tape):
    """A second call of the step, or a step never recorded: 'has no model call'."""
    asyncio.run(asked(recording(project, keyed, tape, "Paris."), "capital", "Capital of France?"))
    again = replaying(project, keyed, tape)
    asyncio.run(asked(again, "capital", "Capital of France?"))

    for step in ("capital", "other"):
        with pytest.raises(ProviderError) as raised:
            asyncio.run(asked(again, step, "Capital of France?"))
        assert f"'{step}', call" in raised.value.message and "has no model call" in raised.value.message


def test_concurrent_steps_each_count_their_own_calls(project, keyed, tape):
    """Two steps asking twice each at once, replayed in the other order: each step gets
    back its own answers, whatever the interleaving."""

    async def both(workspace: Workspace, order: tuple[str, str]) -> dict[str, list[str]]:
        async def step(key: str) -> list[str]:
            with in_step(key):
                texts = []
                for n in (1, 2):
                    records = [r async for r in ask(workspace, AskOptions(f"question {n} of {key}"))]
                    texts.append(records[-1]["text"])
                    await asyncio.sleep(0)
                return texts

        answers = await asyncio.gather(*(step(key) for key in order))
        return dict(zip(order, answers))

    recorded = asyncio.run(both(recording(project, keyed, tape, "one", "two", "three", "four"), ("lint", "test")))
    replayed = asyncio.run(both(replaying(project, keyed, tape), ("test", "lint")))

    assert recorded == {"lint": ["one", "three"], "test": ["two", "four"]}  # interleaved
    assert replayed == recorded
    assert sorted((e["step"], e["call"]) for e in lines(tape)[1:]) == [("lint", 1), ("lint", 2), ("test", 1), ("test", 2)]


def test_the_recording_holds_no_secret_and_no_prompt(project, keyed, tape):
    """A key in the env, the prompt and the answer: the file has neither it nor the prompt."""
    workspace = recording(project, keyed, tape, f"Your key is {KEY}.", tool_reply("bash", {"command": f"echo {KEY}"}), "done")
    asyncio.run(asked(workspace, "leak", f"PROMPT-MARKER my key is {KEY}"))
    asyncio.run(agent_run(workspace, "agent", f"PROMPT-MARKER use {KEY}"))

    text = tape.read_text(encoding="utf-8")
    assert KEY not in text and "PROMPT-MARKER" not in text
    assert "Your key is ***." in text


def test_strings_shaped_like_keys_are_masked_without_a_redactor(tmp_path, tape):
    """No redactor given: a token-shaped string in an answer is still masked."""
    token = "sk-proj-" + "A1b2C3d4" * 4
    client = RecordingClient(ScriptedModel(f"token {token}"), tape)

    asyncio.run(client.complete(Request(_Model(), [{"role": "user", "content": "hi"}])))

    assert token not in tape.read_text() and "token ***" in tape.read_text()


def test_the_file_is_private_and_written_as_calls_finish(project, keyed, tape):
    """Mode 0600 (even over an older, readable file); each exchange is on disk when its
    call returns, so a run killed midway keeps what it had."""
    tape.write_text("old\n")
    tape.chmod(0o644)
    workspace = recording(project, keyed, tape, "first", "second")
    assert stat.S_IMODE(tape.stat().st_mode) == 0o600
    assert len(lines(tape)) == 1

    asyncio.run(asked(workspace, "a", "one"))
    assert len(lines(tape)) == 2
    asyncio.run(asked(workspace, "a", "two"))
    assert [e["call"] for e in lines(tape)[1:]] == [1, 2]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ('{"type": "recording", "v": 1, "recipe": "x"}\n{"type": "exchange"}\n{not json\n', 2),
        ('{"type": "recording", "v": 1}\n\n{"type": "exchange", "step": "a", "call": 1, "prompt": "p", "completion": {}}\n', 3),
        ('{"type": "exchange"}\n', 1),
        ("", 1),
    ],
)
def test_a_malformed_recording_is_a_usage_error_naming_file_and_line(tape, content, line):
    tape.write_text(content)

    with pytest.raises(UsageError) as raised:
        ReplayClient(tape)

    assert raised.value.exit_code == 2
    assert f"{tape}:{line}:" in raised.value.message


def test_a_missing_recording_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError) as raised:
        ReplayClient(tmp_path / "nowhere.jsonl")
    assert "nowhere.jsonl" in raised.value.message


def test_the_fingerprint_is_the_first_user_message_only():
    """The system prompt and later turns (dates, cwd, tool output) do not change it."""
    base = [{"role": "system", "content": "today is Monday, in /home/a"}, {"role": "user", "content": "review this"}]
    later = [{"role": "system", "content": "today is Friday, in /ci/b"}, {"role": "user", "content": "review this"},
             {"role": "assistant", "content": "ok"}, {"role": "tool", "content": "12:03 output"}]

    assert fingerprint(Request(_Model(), base)) == fingerprint(Request(_Model(), later))
    assert fingerprint(Request(_Model(), base)) != fingerprint(Request(_Model(), [{"role": "user", "content": "review that"}]))
    assert STEP.get() == ""


class _Model:
    """The one attribute of a resolved model the clients read."""

    name = "anthropic/test"
