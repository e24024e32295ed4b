"""The chat's pickers and panel keys in tmux: the session browser (Ctrl+O, /sessions),
the model picker (/model), the command palette (Ctrl+P), the help panel (Ctrl+H, F1),
Ctrl+S, the context left in the status bar, and Esc at a permission ask."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fakellm.script import Reply

PROMPT = "build>"


def sessions(project: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((project / "docs" / "sessions").glob("session_*.json"))]


def saved(project: Path, check, timeout: float = 20) -> list[dict]:
    """The sessions once ``check(sessions)`` holds: the screen shows an answer a moment
    before the session file has it."""
    deadline = time.monotonic() + timeout
    while not check(found := sessions(project)):
        assert time.monotonic() < deadline, f"the sessions never got there: {json.dumps(found)[:2000]}"
        time.sleep(0.05)
    return found


def send_line(pane, text: str) -> None:
    pane.type(text)
    pane.send("Enter")


def two_sessions(oc, fake_llm, keys) -> None:
    fake_llm.script(Reply.text("Noted the zebra."), Reply.text("Noted the walrus."))
    for word in ("zebra", "walrus"):
        done = oc("run", f"remember {word}", extra_env=keys)
        assert done.code == 0, done.stderr


def test_ctrl_o_browses_sessions_and_resumes_the_one_picked(chat, fake_llm, llm_project, oc, keys):
    two_sessions(oc, fake_llm, keys)
    pane = chat()
    pane.wait_for(PROMPT)
    pane.send("C-o")
    pane.wait_for("Resume which session?")
    screen = pane.wait_for("remember walrus")
    assert "remember zebra" in screen
    pane.type("zebra")  # typing narrows the list
    pane.send("Enter")
    pane.wait_for("resumed session")
    pane.wait_for("remember zebra │")  # the status bar names it
    fake_llm.script(Reply.text("It was a zebra."))
    send_line(pane, "which animal?")
    pane.wait_for("It was a zebra.")
    assert "zebra" in fake_llm.chat_requests[-1].text and "walrus" not in fake_llm.chat_requests[-1].text
    found = saved(llm_project, lambda found: any(len(s["messages"]) == 4 for s in found))
    assert len(found) == 2 and [s["title"] for s in found if len(s["messages"]) == 4] == ["remember zebra"]


def test_esc_closes_the_browser_with_nothing_resumed(chat, fake_llm, llm_project, oc, keys):
    two_sessions(oc, fake_llm, keys)
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "/sessions")
    pane.wait_for("remember zebra")
    pane.send("Escape")
    pane.wait_for("type to filter)\n" + PROMPT)
    assert "resumed" not in pane.screen() and "new session" in pane.screen()


def test_model_picker_switches_the_model_of_the_next_turns(chat, fake_llm, llm_project):
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "/model")
    pane.wait_for("Model for the next turns?")
    pane.wait_for("anthropic/claude-sonnet-4-20250514")
    pane.type("claude-sonnet-4-2025")
    pane.send("Enter")
    pane.wait_for("model: anthropic/claude-sonnet-4-20250514")
    fake_llm.script(Reply.text("Answered by Claude."))
    send_line(pane, "who are you?")
    pane.wait_for("Answered by Claude.")
    assert fake_llm.chat_requests[-1].format == "anthropic"
    saved(llm_project, lambda found: found and found[0]["messages"][-1].get("model") == "anthropic/claude-sonnet-4-20250514")


def test_palette_runs_a_command_or_puts_it_in_the_input_box(chat, fake_llm):
    pane = chat()
    pane.wait_for(PROMPT)
    pane.send("C-p")
    pane.wait_for("Command?")
    pane.type("expand")
    pane.send("Enter")
    pane.wait_for(f"{PROMPT} /expand")  # it needs a number: left for the person
    pane.send("C-u")
    pane.send("C-p")
    pane.wait_for("Command?")
    pane.type("save")
    pane.send("Enter")
    pane.wait_for("nothing to save yet")


def test_help_panel_toggles_and_backspace_still_deletes(chat, fake_llm):
    pane = chat()
    pane.wait_for(PROMPT)
    pane.send("C-h")
    pane.wait_for("Ctrl+O sessions")
    pane.send("F1")
    deadline_screen = pane.screen()
    for _ in range(100):
        if "Ctrl+O sessions" not in deadline_screen:
            break
        deadline_screen = pane.wait_for(PROMPT)
    assert "Ctrl+O sessions" not in deadline_screen
    pane.type("abcd")
    pane.send("C-h")  # with text on the line Ctrl+H is Backspace
    pane.wait_for(f"{PROMPT} abc")
    assert "Ctrl+O sessions" not in pane.screen()


def test_ctrl_s_saves_and_the_status_bar_shows_the_context_left(chat, fake_llm, llm_project):
    fake_llm.script(Reply.text("Short answer.").with_usage(64000, 0))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "hello")
    pane.wait_for("Short answer.")
    pane.wait_for("50% context left")  # gpt-4o holds 128,000 tokens
    pane.send("C-s")
    [session] = sessions(llm_project)
    pane.wait_for(f"saved session {session['id'][:8]}")


def test_esc_at_a_permission_ask_denies(chat, fake_llm, llm_project):
    fake_llm.script(Reply.tool_call("bash", {"command": "echo hi > should-not-exist.txt"}), Reply.text("Understood, not run."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "make a file")
    pane.wait_for("Allow once")
    pane.send("Escape")
    pane.wait_for("Understood, not run.")
    assert not (llm_project / "should-not-exist.txt").exists()
    tools = lambda s: [p for m in s["messages"] for p in m["parts"] if p["type"] == "tool"]  # noqa: E731
    [session] = saved(llm_project, lambda found: found and tools(found[0]) and tools(found[0])[0]["status"] != "running")
    assert tools(session)[0]["status"] == "denied"
