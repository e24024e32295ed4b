"""opencode chat in a real terminal (tmux) against the fake model server.

Each test types as a person would and reads the pane; session files and the
requests the fake server saw say what happened behind the screen.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from fakellm.script import Reply

PROMPT = "build>"
ARTEFACTS = Path(__file__).with_name("artefacts")


def sessions(project: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((project / "docs" / "sessions").glob("session_*.json"))]


def texts(session: dict) -> str:
    return "\n".join(p.get("text", "") for m in session["messages"] for p in m["parts"] if p["type"] == "text")


def send_line(pane, text: str) -> None:
    pane.type(text)
    pane.send("Enter")


def test_streamed_answer_and_status_bar(chat, fake_llm, llm_project):
    fake_llm.script(Reply.text("Hello from the fake model, streamed in pieces.", chunks=6).with_usage(100, 20))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "say hello")
    pane.wait_for("Hello from the fake model, streamed in pieces.")
    screen = pane.wait_for("120 tokens")
    assert "say hello" in screen and "agent build" in screen and "openai/gpt-4o" in screen
    [session] = sessions(llm_project)
    assert "Hello from the fake model" in texts(session)


def test_prompt_appears_quickly(chat, fake_llm):
    pane = chat()
    pane.wait_for(PROMPT)
    elapsed = time.monotonic() - pane.started
    print(f"\nlaunch to prompt in the pane: {elapsed:.2f} s")
    assert elapsed < 10


def test_tool_call_summary(chat, fake_llm, llm_project):
    (llm_project / "notes.txt").write_text("alpha\nbeta\n")
    fake_llm.script(Reply.tool_call("read", {"path": "notes.txt"}), Reply.text("It has two lines."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "what is in notes.txt?")
    screen = pane.wait_for("It has two lines.")
    assert "[1] ✓ read notes.txt (2 lines)" in screen
    send_line(pane, "/expand 1")
    pane.wait_for("beta")


def test_permission_ask_answered_in_the_terminal(chat, fake_llm, llm_project):
    fake_llm.script(Reply.tool_call("bash", {"command": "echo hi > made-by-bash.txt"}), Reply.text("Made the file."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "make a file")
    pane.wait_for("Allow once")
    pane.send("Enter")
    pane.wait_for("Made the file.")
    assert (llm_project / "made-by-bash.txt").read_text() == "hi\n"


def test_esc_cancels_a_stalled_stream(chat, fake_llm, llm_project):
    (llm_project / "opencode.toml").write_text((llm_project / "opencode.toml").read_text().replace("idle_timeout = 2", "idle_timeout = 30"))
    fake_llm.script(Reply.stall("Partial-one Partial-two", after=1), Reply.text("Back again."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "start something long")
    pane.wait_for("Partial-one")
    pressed = time.monotonic()
    pane.send("Escape")
    pane.wait_for("(cancelled)")
    print(f"\nEsc to cancelled on screen: {time.monotonic() - pressed:.2f} s")
    assert PROMPT in pane.wait_for("(cancelled)").split("(cancelled)", 1)[1]
    [session] = sessions(llm_project)
    assert "start something long" in json.dumps(session)
    assert "Partial-one" in texts(session)  # the text that had arrived is kept
    send_line(pane, "and now?")
    pane.wait_for("Back again.")
    assert len(sessions(llm_project)) == 1


def test_tab_switches_agent(chat, fake_llm):
    pane = chat()
    pane.wait_for(PROMPT)
    pane.send("Tab")
    screen = pane.wait_for("agent plan")
    assert "plan>" in screen
    pane.send("Tab")
    pane.wait_for("agent build")


def test_at_file_completes_and_becomes_context(chat, fake_llm, llm_project):
    (llm_project / "findme.py").write_text("SECRET_SAUCE = 42\n")
    fake_llm.script(Reply.text("It sets the sauce."))
    pane = chat()
    pane.wait_for(PROMPT)
    pane.type("explain @fi")
    pane.send("Tab")
    pane.wait_for("explain @findme.py")
    pane.send("Enter")
    pane.wait_for("It sets the sauce.")
    assert "SECRET_SAUCE = 42" in fake_llm.chat_requests[-1].text


def test_sessions_then_resume(chat, fake_llm, llm_project):
    fake_llm.script(Reply.text("First answer."), Reply.text("Second answer."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "remember the word pelican")
    pane.wait_for("First answer.")
    send_line(pane, "/new")
    pane.wait_for("new session")
    send_line(pane, "/sessions")
    pane.wait_for("2 msgs")
    [session] = sessions(llm_project)
    send_line(pane, f"/sessions {session['id'][:8]}")
    pane.wait_for("resumed session")
    send_line(pane, "which word?")
    pane.wait_for("Second answer.")
    assert "pelican" in fake_llm.chat_requests[-1].text
    assert len(sessions(llm_project)) == 1


def test_ctrl_q_quits(chat, fake_llm):
    pane = chat()
    pane.wait_for(PROMPT)
    pane.send("C-q")
    pane.wait_for("[exit 0]")


def test_missing_key_is_shown_in_the_chat(chat, fake_llm):
    pane = chat(with_keys=False)
    pane.wait_for(PROMPT)
    send_line(pane, "hello?")
    screen = pane.wait_for("auth login openai")
    assert "✗ OPENAI_API_KEY not found" in screen and "Traceback" not in screen
    send_line(pane, "/help")
    pane.wait_for("/sessions")


def test_piped_text_seeds_the_first_message(chat, fake_llm):
    from helpers import opencode_command

    fake_llm.script(Reply.text("Reviewed."), Reply.text("Again."))
    pane = chat(command="printf 'PIPED-CONTEXT-42' | " + " ".join([*opencode_command(), "chat"]))
    pane.wait_for(PROMPT)
    send_line(pane, "review this")
    pane.wait_for("Reviewed.")
    assert "PIPED-CONTEXT-42" in fake_llm.chat_requests[-1].text
    send_line(pane, "more")
    pane.wait_for("Again.")
    assert fake_llm.chat_requests[-1].text.count("PIPED-CONTEXT-42") == 1


def test_capture_of_a_session_with_an_edit(chat, fake_llm, llm_project, tmp_path):
    (llm_project / "app.py").write_text('print("hello")\n')
    fake_llm.script(
        Reply.tool_call("read", {"path": "app.py"}),
        Reply.tool_call("edit", {"path": "app.py", "old_string": 'print("hello")', "new_string": 'print("goodbye")'}),
        Reply.text("Changed the greeting."),
    )
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "change the greeting")
    screen = pane.wait_for("Changed the greeting.")
    assert (llm_project / "app.py").read_text() == 'print("goodbye")\n'
    capture = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in screen.rstrip().splitlines())) + "\n"
    (tmp_path / "chat_edit.txt").write_text(capture)
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "chat_edit.txt").write_text(capture)
