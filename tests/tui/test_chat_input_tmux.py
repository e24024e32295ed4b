"""Input edges of opencode chat in tmux: a pasted block stays whole, Esc stops a running
tool (and its processes), keys typed before the first prompt are kept."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fakellm.script import Reply

PROMPT = "build>"


def sessions(project: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((project / "docs" / "sessions").glob("session_*.json"))]


def test_a_pasted_block_is_one_message(chat, fake_llm):
    fake_llm.script(Reply.text("Three lines received."))
    pane = chat()
    pane.wait_for(PROMPT)
    pane.paste("first pasted line\nsecond pasted line\nthird pasted line")
    pane.wait_for("third pasted line")
    assert not fake_llm.chat_requests  # the newlines inside the paste did not send it
    pane.type(" (end)")
    pane.send("Enter")
    pane.wait_for("Three lines received.")
    [request] = fake_llm.chat_requests
    assert request.body["messages"][-1]["content"] == "first pasted line\nsecond pasted line\nthird pasted line (end)"


def test_esc_stops_a_running_tool_and_its_processes(chat, fake_llm, llm_project):
    pidfile = llm_project / "tool.pid"
    command = f"echo $$ > {pidfile.name}; sleep 60; echo finished > late.txt"
    fake_llm.script(Reply.tool_call("bash", {"command": command}), Reply.text("After the stop."))
    pane = chat()
    pane.wait_for(PROMPT)
    pane.type("run the long command")
    pane.send("Enter")
    pane.wait_for("Allow once")
    pane.send("Enter")
    deadline = time.monotonic() + 30
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < deadline, pane.screen()
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    pressed = time.monotonic()
    pane.send("Escape")
    screen = pane.wait_for("(cancelled)")
    print(f"\nEsc mid-tool to cancelled on screen: {time.monotonic() - pressed:.2f} s")
    assert PROMPT in screen.split("(cancelled)", 1)[1]
    while Path(f"/proc/{pid}").exists():
        assert time.monotonic() < pressed + 30, "the tool's shell outlived the cancelled turn"
        time.sleep(0.05)
    assert not (llm_project / "late.txt").exists()
    [session] = sessions(llm_project)
    [tool] = [p for m in session["messages"] for p in m["parts"] if p["type"] == "tool"]
    assert tool["status"] == "error" and "stopped" in tool["output"]
    pane.type("go on")
    pane.send("Enter")
    pane.wait_for("After the stop.")


def test_keys_typed_while_chat_starts_are_kept(chat, fake_llm):
    fake_llm.script(Reply.text("Early bird answered."))
    pane = chat()
    pane.type("typed early")  # before any prompt is drawn, in the terminal's cooked mode
    pane.send("Enter")
    pane.wait_for("Early bird answered.", timeout=30)
    assert fake_llm.chat_requests[-1].body["messages"][-1]["content"] == "typed early"
