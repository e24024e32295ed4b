"""Warm attach: ``opencode ask`` (and ``run``) hand their work to this user's running
server for the directory, and give the same records, exit statuses and sessions as
in-process; a server that cannot prove it is theirs is never used."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

from fakellm.script import Reply
from opencode.config.dirs import data_dir
from opencode import rendezvous

ATTACHED = "attached to the opencode server"


def shape(records: list[dict]) -> list[tuple[str, tuple[str, ...]]]:
    return [(r["type"], tuple(sorted(r))) for r in records]


def entry(project: Path, env: dict[str, str]) -> Path:
    return rendezvous.entry_path(project, data_dir(env), env)


def test_an_attached_ask_gives_the_records_of_an_in_process_one(server, cli, fake_llm, llm_project, serve_env):
    assert entry(llm_project, serve_env).exists()
    fake_llm.script(Reply.text("Answer from afar."), Reply.text("Answer from afar."))
    here = cli("-v", "ask", "--json", "--no-attach", "what is up?")
    there = cli("-v", "ask", "--json", "what is up?")
    assert ATTACHED not in here.stderr and ATTACHED in there.stderr
    assert here.code == there.code == 0
    assert shape(here.records) == shape(there.records)
    assert [r["text"] for r in there.records] == ["Answer from afar."]
    sessions = [json.loads(p.read_text()) for p in (llm_project / "docs" / "sessions").glob("session_*.json")]
    assert sorted(len(s["messages"]) for s in sessions) == [2, 2]
    assert {s["agent"] for s in sessions} == {"ask"}


def test_piped_input_and_a_streamed_answer_arrive_through_the_server(server, cli, fake_llm):
    fake_llm.script(Reply.text("Piped and streamed.", chunks=4))
    done = cli("-v", "ask", "--json", "--stream", "summarize", input="PIPED-MARKER-7\n")
    assert ATTACHED in done.stderr and done.code == 0
    assert [r["type"] for r in done.records][-1] == "message" and "text_delta" in [r["type"] for r in done.records]
    assert "PIPED-MARKER-7" in fake_llm.chat_requests[-1].text


def test_a_failure_keeps_its_exit_status(server, cli, fake_llm):
    fake_llm.script(Reply.error(401, {"error": {"message": "bad key"}}), Reply.error(401, {"error": {"message": "bad key"}}))
    here = cli("ask", "--no-attach", "q")
    there = cli("-v", "ask", "q")
    assert ATTACHED in there.stderr
    assert here.code == there.code == 4
    assert "Traceback" not in there.stderr


def test_no_attach_and_the_environment_switch_run_here(server, cli, fake_llm):
    fake_llm.script(Reply.text("a"), Reply.text("b"))
    assert ATTACHED not in cli("-v", "ask", "--no-attach", "q").stderr
    assert ATTACHED not in cli("-v", "ask", "q", extra_env={"OPENCODE_NO_ATTACH": "1"}).stderr


def test_a_stopped_server_withdraws_its_entry(make_server, cli, fake_llm, llm_project, serve_env):
    server = make_server()
    assert entry(llm_project, serve_env).exists()
    assert server.stop() == 130
    assert not entry(llm_project, serve_env).exists()
    fake_llm.script(Reply.text("in-process"))
    done = cli("-v", "ask", "q")
    assert done.code == 0 and ATTACHED not in done.stderr


def test_a_server_that_cannot_prove_the_token_gets_nothing(server, cli, fake_llm, llm_project, serve_env):
    path = entry(llm_project, serve_env)
    forged = json.loads(path.read_text())
    forged["token"] = "0" * 64  # as if another process took the port: its answer will not match
    path.write_text(json.dumps(forged))
    fake_llm.script(Reply.text("in-process"))
    done = cli("-v", "ask", "q")
    assert done.code == 0 and ATTACHED not in done.stderr
    refused = cli("ask", "--attach", server.url, "q")
    assert refused.code == 2 and "could not prove" in refused.stderr


def test_attach_to_a_url_with_no_server_of_yours_is_a_usage_error(cli):
    done = cli("ask", "--attach", "http://127.0.0.1:9", "q")
    assert done.code == 2 and "no opencode server of yours" in done.stderr


def test_a_server_killed_mid_answer_is_exit_4_not_a_hang(make_server, cli, fake_llm):
    server = make_server(replace=("idle_timeout = 2", "idle_timeout = 60"))
    fake_llm.script(Reply.stall("half an ans", after=1, seconds=60))

    def kill_once_the_model_is_asked() -> None:
        deadline = time.monotonic() + 40
        while not fake_llm.chat_requests and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # the first piece is on its way to the command
        os.kill(server.proc.pid, signal.SIGKILL)

    threading.Thread(target=kill_once_the_model_is_asked, daemon=True).start()
    started = time.monotonic()
    done = cli("ask", "--stream", "q", timeout=60)
    assert done.code == 4 and "stopped" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 50


def comparable(records: list[dict]) -> list[tuple]:
    """What must match between an attached and an in-process run: the records' types
    and keys, and what tools returned."""
    return [(r["type"], tuple(sorted(r)), r.get("error") if r["type"] == "tool_result" else None) for r in records if r["type"] != "text_delta"]


def test_an_attached_run_gives_the_records_and_status_of_an_in_process_one(server, cli, fake_llm, llm_project):
    (llm_project / "notes.txt").write_text("alpha\n")
    for _ in range(2):
        fake_llm.script(Reply.tool_call("read", {"path": "notes.txt"}), Reply.text("It says alpha."))
    here = cli("run", "--json", "--no-attach", "what is in notes.txt?")
    there = cli("-v", "run", "--json", "what is in notes.txt?")
    assert ATTACHED in there.stderr
    assert here.code == there.code == 0
    assert comparable(here.records) == comparable(there.records)
    assert there.records[-1]["type"] == "done" and there.records[-1]["text"] == "It says alpha."


def test_a_headless_attached_run_is_denied_as_an_in_process_one(server, cli, fake_llm, llm_project):
    for _ in range(2):
        fake_llm.script(Reply.tool_call("bash", {"command": "echo hi > made.txt"}), Reply.text("Could not."))
    here = cli("run", "--json", "--no-attach", "make a file")
    started = time.monotonic()
    there = cli("-v", "run", "--json", "make a file")
    assert ATTACHED in there.stderr and time.monotonic() - started < 20  # no wait for an answer nobody gives
    assert here.code == there.code
    assert comparable(here.records) == comparable(there.records)
    assert not (llm_project / "made.txt").exists()
    assert "permission_request" not in [r["type"] for r in there.records]


def test_attached_run_options_reach_the_server(server, cli, fake_llm, llm_project):
    fake_llm.script(Reply.tool_call("bash", {"command": "echo hi > made.txt"}), Reply.text("Made it."))
    done = cli("-v", "run", "--yes", "make a file")
    assert ATTACHED in done.stderr and done.code == 0 and "Made it." in done.stdout
    assert (llm_project / "made.txt").read_text() == "hi\n"
    fake_llm.script(Reply.tool_call("read", {"path": "made.txt"}), Reply.tool_call("read", {"path": "made.txt"}))
    limited = cli("-v", "run", "--max-turns", "1", "read it twice")
    assert ATTACHED in limited.stderr and limited.code == 5


def test_options_the_server_does_not_take_run_here(server, cli, fake_llm):
    fake_llm.script(Reply.text("Cheap."))
    done = cli("-v", "run", "--max-cost", "1", "hello")
    assert done.code == 0 and ATTACHED not in done.stderr


def test_an_attached_run_at_a_terminal_asks_the_person_there(server, fake_llm, llm_project, serve_env):
    from helpers import opencode_command
    from tui.tmux import Pane

    fake_llm.script(Reply.tool_call("bash", {"command": "echo hi > asked.txt"}), Reply.text("Made after asking."))
    pane = Pane(llm_project, {**serve_env, "TERM": "xterm-256color"}, " ".join([*opencode_command(), "-v", "run", "make a file"]))
    try:
        pane.wait_for("Allow once", timeout=30)
        assert ATTACHED in pane.screen()
        pane.send("Enter")
        pane.wait_for("Made after asking.", timeout=30)
        pane.wait_for("[exit 0]")
    finally:
        pane.kill()
    assert (llm_project / "asked.txt").read_text() == "hi\n"


RECIPE = """\
[recipe]
name = "two-steps"
[params.file]
type = "path"
[[steps]]
id = "read"
tool = "read"
with = { path = "{{ params.file }}" }
[[steps]]
id = "explain"
ask = "Explain:\\n{{ steps.read.text }}"
"""


def recipe_shape(records: list[dict]) -> list[tuple]:
    return [(r["type"], r.get("recipe_step"), r.get("status")) for r in records if r["type"] != "text_delta"]


def test_an_attached_recipe_run_matches_an_in_process_one(server, cli, fake_llm, llm_project):
    (llm_project / "main.py").write_text("print('hi')\n")
    (llm_project / "two.toml").write_text(RECIPE)
    fake_llm.script(Reply.text("It prints hi."), Reply.text("It prints hi."))
    here = cli("run", "two.toml", "-p", "file=main.py", "--json", "--no-attach")
    there = cli("-v", "run", "two.toml", "-p", "file=main.py", "--json")
    assert ATTACHED in there.stderr
    assert here.code == there.code == 0
    assert recipe_shape(here.records) == recipe_shape(there.records)
    assert there.records[-1]["type"] == "done" and there.records[-1]["text"] == "It prints hi."


def test_an_attached_recipe_keeps_its_exit_status(server, cli, fake_llm, llm_project):
    (llm_project / "title.toml").write_text('[recipe]\nname = "title"\n[[steps]]\nid = "title"\nask = "Name it."\nschema = { type = "object" }\nretries = 1\n')
    fake_llm.script(*[Reply.text("nope")] * 4)
    here = cli("run", "title.toml", "--no-attach")
    there = cli("-v", "run", "title.toml")
    assert ATTACHED in there.stderr
    assert here.code == there.code == 6


def test_a_replayed_recipe_runs_here(server, cli, llm_project):
    done = cli("-v", "run", "explain", "-p", "file=README.md", "--replay", "/nonexistent.jsonl")
    assert ATTACHED not in done.stderr and done.code != 0
