"""Provider faults end bounded, as exit 4, in every command that calls a model.

The real ``opencode``, litellm and the fake server over loopback. The project's
``[llm] idle_timeout`` is 2 s (tests/conftest.py). What proves a fault was handled
is exact (the exit status, the error code, how many requests reached the server);
wall-clock bounds are ten times what a run takes, for a loaded machine.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from fakellm.script import Reply

#: Ten times a faulted run here (start-up, one idle timeout of 2 s, exit).
BOUND_S = 45

HTML = "<html><head><title>Sign in</title></head><body>Please sign in to continue.</body></html>"

FAULTS = {
    "no headers": lambda: Reply.silent(seconds=40),
    "stall mid-stream": lambda: Reply.stall("partial answer", after=1, seconds=40, chunks=3),
    "trickle": lambda: Reply.text("a long answer, sent slowly " * 10, chunks=4).trickled(0.2),
    "html 200": lambda: Reply.raw(HTML, content_type="text/html"),
    "{} 200": lambda: Reply.raw({}),
    "no choices": lambda: Reply.raw({"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o"}),
}

#: How each command is asked: (arguments, whether it is an agent run that ends with done).
COMMANDS = {
    "ask": (("ask", "hi"), False),
    "ask --stream": (("ask", "hi", "--stream"), False),
    "run": (("run", "hi", "--json"), True),
    "agent plan": (("agent", "plan", "hi", "--json"), True),
}


def add_llm_config(project: Path, text: str) -> None:
    """More keys for the ``[llm]`` table, the last table of the fixture's config."""
    config = project / "opencode.toml"
    assert config.read_text().rstrip().splitlines()[-1].startswith("max_retries")
    with open(config, "a") as handle:
        handle.write(text)


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check_failed(result, elapsed: float, agent_run: bool, real_500: bool = False) -> dict:
    """The run failed as a provider problem, in time, without a traceback; its error."""
    assert result.code == 4, (result.code, result.stderr)
    assert elapsed < BOUND_S, elapsed
    assert "Traceback" not in result.stderr and result.stderr.count("Error:") <= 1, result.stderr
    if agent_run:
        assert [r["type"] for r in result.records[-2:]] == ["error", "done"], result.records
        assert result.records[-1]["reason"] == "error"
        error = result.records[-2]["error"]
    else:
        assert result.records[-1]["type"] == "error", result.records
        error = result.records[-1]["error"]
    assert error["code"].startswith("provider."), error
    if not real_500:
        assert "HTTP 500" not in result.stdout + result.stderr  # no status the provider never sent
    return error


@pytest.mark.parametrize("command", ["ask", "run"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_ends_after_one_attempt_with_exit_4(fault, command, oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(*(FAULTS[fault]() for _ in range(4)))
    args, agent_run = COMMANDS[command]
    started = time.monotonic()
    result = oc(*args, extra_env=keys, timeout=90)
    error = check_failed(result, time.monotonic() - started, agent_run)
    assert len(fake_llm.chat_requests) == 1  # a timeout or a reply that is no completion is not retried
    if fault in ("no headers", "stall mid-stream", "trickle"):
        assert error["code"] == "provider.network" and "idle_timeout" in error["message"]
    else:
        assert error["code"] == "provider.error" and "not a valid completion" in error["message"]


@pytest.mark.parametrize("command", ["ask --stream", "agent plan", "session compact"])
def test_an_html_200_is_exit_4_in_every_command(command, oc, llm_project: Path, fake_llm, keys):
    if command == "session compact":
        first = oc("ask", "remember the number 7", extra_env=keys)
        assert first.code == 0, first.stderr
        args, agent_run = ("session", "compact", first.record["session_id"], "--json"), False
    else:
        args, agent_run = COMMANDS[command]
    fake_llm.clear()
    fake_llm.script(Reply.raw(HTML, content_type="text/html"), Reply.raw({}))
    started = time.monotonic()
    result = oc(*args, extra_env=keys)
    error = check_failed(result, time.monotonic() - started, agent_run)
    assert error["code"] == "provider.error" and "not a valid completion" in error["message"]
    assert len(fake_llm.chat_requests) == 1


def add_google(project: Path, url: str) -> dict[str, str]:
    with open(project / "opencode.toml", "a") as config:
        config.write(f'[provider.google]\nbase_url = "{url}/v1beta"\n')
    return {"GOOGLE_API_KEY": "test-google-key"}


STREAMING_MODELS = ["anthropic/claude-sonnet-4-20250514", "google/gemini-2.0-flash"]


@pytest.mark.parametrize("model", STREAMING_MODELS)
def test_an_empty_json_stream_is_exit_4(model, oc, llm_project: Path, fake_llm, keys):
    more = add_google(llm_project, fake_llm.url)
    fake_llm.script(Reply.raw({}))
    result = oc("--model", model, "ask", "hi", "--stream", extra_env={**keys, **more})
    error = check_failed(result, 0, False)
    assert "not a valid completion" in error["message"]


@pytest.mark.parametrize("model", ["openai/gpt-4o", *STREAMING_MODELS])
def test_an_empty_answer_is_still_an_answer(model, oc, llm_project: Path, fake_llm, keys):
    more = add_google(llm_project, fake_llm.url)
    fake_llm.script(Reply.text(""))
    result = oc("--model", model, "run", "say nothing", "--json", extra_env={**keys, **more})
    assert result.code == 0, result.stderr
    assert result.records[-1]["reason"] == "completed" and result.records[-1]["text"] == ""


def test_a_retry_after_beyond_the_budget_fails_at_once_naming_the_wait(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.error(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "3600"}))
    started = time.monotonic()
    result = oc("run", "hi", "--json", extra_env=keys)
    error = check_failed(result, time.monotonic() - started, True)
    assert "3600 s" in error["message"] and "retry_budget" in error["message"] and "HTTP 429" in error["message"]
    assert len(fake_llm.chat_requests) == 1
    assert not [r for r in result.records if r["type"] == "retry"]


def test_a_retry_after_within_the_budget_is_waited_for(oc, llm_project: Path, fake_llm, keys):
    add_llm_config(llm_project, "retry_budget = 30\n")
    fake_llm.script(Reply.error(429, headers={"Retry-After": "2"}), Reply.text("after the wait"))
    started = time.monotonic()
    result = oc("ask", "hi", extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.record["text"] == "after the wait" and time.monotonic() - started >= 2


def test_500s_are_retried_until_the_budget_runs_out(oc, llm_project: Path, fake_llm, keys):
    config = llm_project / "opencode.toml"
    config.write_text(config.read_text().replace("max_retries = 2", "max_retries = 50\nretry_budget = 3"))
    fake_llm.script(*(Reply.error(500) for _ in range(60)))
    started = time.monotonic()
    result = oc("run", "hi", "--json", extra_env=keys)
    elapsed = time.monotonic() - started
    error = check_failed(result, elapsed, True, real_500=True)
    retries = [r for r in result.records if r["type"] == "retry"]
    assert 1 <= len(retries) < 50 and len(fake_llm.chat_requests) == len(retries) + 1
    assert {r["reason"] for r in retries} == {"HTTP 500"}
    assert "retry_budget" in error["message"]
    assert sum(r["delay_s"] for r in retries) <= 3


def test_connection_refused_is_a_network_error_naming_the_url(oc, llm_project: Path, keys):
    port = closed_port()
    url = f"http://127.0.0.1:{port}/v1"
    (llm_project / "opencode.toml").write_text(f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{url}"\n[llm]\nidle_timeout = 2\nmax_retries = 2\n')
    for args, agent_run in (COMMANDS["ask"], COMMANDS["run"]):
        started = time.monotonic()
        result = oc(*args, extra_env=keys)
        error = check_failed(result, time.monotonic() - started, agent_run)
        assert error["code"] == "provider.network"
        assert url in error["message"]
        assert "status" not in error.get("details", {})
        retries = [r for r in result.records if r["type"] == "retry"]
        assert all("HTTP" not in r["reason"] for r in retries)


@pytest.mark.parametrize("value", ["-1", "100000", '"soon"'])
def test_retry_budget_is_range_checked(value, oc, llm_project: Path, keys):
    add_llm_config(llm_project, f"retry_budget = {value}\n")
    result = oc("ask", "hi", extra_env=keys)
    assert result.code == 2, result.stderr
    assert "llm.retry_budget must be a number from 0 to 3600" in result.stderr
    assert result.records[-1]["error"]["code"] == "config.invalid"
