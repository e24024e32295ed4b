"""More of opencode chat in tmux: how it starts, declarative commands, agent picks,
continuing a session, mistakes shown as one line."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fakellm.script import Reply
from helpers import opencode_command

PROMPT = "build>"


def sessions(project: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((project / "docs" / "sessions").glob("session_*.json"))]


def send_line(pane, text: str) -> None:
    pane.type(text)
    pane.send("Enter")


def test_bare_opencode_at_a_terminal_opens_chat(chat, fake_llm):
    pane = chat(command=" ".join(opencode_command()))
    pane.wait_for(PROMPT)
    pane.send("C-d")
    pane.wait_for("[exit 0]")


def test_opencode_dir_opens_chat_there(chat, fake_llm, llm_project):
    pane = chat(command=f"cd / && {' '.join(opencode_command())} {llm_project}")
    pane.wait_for(PROMPT)
    pane.wait_for(f" {llm_project.name} │ new session")


def test_declarative_command_as_slash_command(chat, fake_llm, llm_project):
    folder = llm_project / ".opencode" / "commands"
    folder.mkdir(parents=True)
    (folder / "greet.md").write_text("---\ndescription: Greet someone\n---\nGreet $1 warmly.\n")
    fake_llm.script(Reply.text("Hello, Ada!"))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "/greet Ada")
    pane.wait_for("Hello, Ada!")
    assert fake_llm.chat_requests[-1].messages[-1]["content"] == "Greet Ada warmly."
    send_line(pane, "/help")
    pane.wait_for("/greet")


def test_at_plan_picks_the_agent_for_one_message(chat, fake_llm, llm_project):
    fake_llm.script(Reply.text("A plan."), Reply.text("Built."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "@plan think first")
    pane.wait_for("A plan.")
    send_line(pane, "now build it")
    pane.wait_for("Built.")
    [session] = sessions(llm_project)
    users = [m for m in session["messages"] if m["role"] == "user"]
    assert [m["agent"] for m in users] == ["plan", "build"]
    assert users[0]["parts"][0]["text"] == "think first"


def test_continue_the_last_session(chat, fake_llm, llm_project):
    fake_llm.script(Reply.text("Noted."), Reply.text("You said giraffe."))
    first = chat()
    first.wait_for(PROMPT)
    send_line(first, "the word is giraffe")
    first.wait_for("Noted.")
    first.send("C-q")
    first.wait_for("[exit 0]")
    second = chat("-c")
    second.wait_for("the word is giraffe │")  # the status bar names the session
    send_line(second, "what was the word?")
    second.wait_for("You said giraffe.")
    assert "giraffe" in fake_llm.chat_requests[-1].text and len(sessions(llm_project)) == 1


def test_mistakes_are_one_line(chat, fake_llm):
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "/nosuch")
    pane.wait_for("Error: no command /nosuch")
    send_line(pane, "/agent nobody")
    pane.wait_for("Error: unknown agent")
    send_line(pane, "/undo")
    screen = pane.wait_for("Error: no session yet")
    assert "Traceback" not in screen


def test_unknown_session_at_launch_exits_2(chat, fake_llm):
    pane = chat("--session", "deadbeef")
    screen = pane.wait_for("[exit 2]")
    assert "Traceback" not in screen


def test_a_terminal_that_goes_away_ends_chat_without_a_traceback(chat, fake_llm, tmp_path):
    log, pidfile = tmp_path / "stderr.txt", tmp_path / "pid"
    pane = chat(command=f"echo $$ > {pidfile}; exec {' '.join(opencode_command())} chat 2>{log}")
    pane.wait_for(PROMPT)
    pid = int(pidfile.read_text())
    pane.kill()  # the window closes: the terminal hangs up
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text(errors="replace"):
        assert time.monotonic() < deadline, "chat still runs after its terminal went away"
        time.sleep(0.05)
    assert "Traceback" not in log.read_text()


def test_the_small_model_names_a_new_session_after_its_first_exchange(chat, fake_llm, llm_project):
    config = llm_project / "opencode.toml"
    config.write_text('small_model = "openai/gpt-4o-mini"\n' + config.read_text())
    fake_llm.script(Reply.text("Giraffes sleep about two hours a day."), Reply.text('"Giraffe Sleep Habits."'), Reply.text("Standing up."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "how long do giraffes sleep and do they lie down")
    pane.wait_for("Giraffe Sleep Habits │")  # in the status bar, quotes and full stop gone
    title_request = fake_llm.chat_requests[1]
    assert title_request.model == "gpt-4o-mini" and "how long do giraffes sleep" in title_request.text
    deadline = time.monotonic() + 20
    while sessions(llm_project)[0]["title"] != "Giraffe Sleep Habits":
        assert time.monotonic() < deadline, sessions(llm_project)[0]["title"]
        time.sleep(0.05)
    send_line(pane, "and how?")
    pane.wait_for("Standing up.")
    assert len(fake_llm.chat_requests) == 3  # one title, for the first exchange only
    assert [s["title"] for s in sessions(llm_project)] == ["Giraffe Sleep Habits"]


def test_without_a_small_model_the_title_is_the_first_prompt(chat, fake_llm, llm_project):
    fake_llm.script(Reply.text("Sure."))
    pane = chat()
    pane.wait_for(PROMPT)
    send_line(pane, "plain title please")
    pane.wait_for("plain title please │")
    time.sleep(0.5)
    assert len(fake_llm.chat_requests) == 1
