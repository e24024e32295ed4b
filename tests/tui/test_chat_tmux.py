"""opencode chat in a real terminal (tmux) against the fake model server."""

from __future__ import annotations

from fakellm.script import Reply


def test_streamed_answer(chat, fake_llm):
    fake_llm.script(Reply.text("Hello from the fake model, streamed in pieces.", chunks=6))
    pane = chat()
    pane.wait_for("build>")
    pane.type("say hello")
    pane.send("Enter")
    pane.wait_for("Hello from the fake model, streamed in pieces.")
    pane.wait_for("build>")


def test_debug_screen(chat, fake_llm, llm_project):
    (llm_project / "notes.txt").write_text("alpha\nbeta\n")
    fake_llm.script(Reply.tool_call("read", {"path": "notes.txt"}), Reply.text("It has two lines."), Reply.tool_call("bash", {"command": "echo hi-there"}), Reply.text("ran it"))
    pane = chat()
    pane.wait_for("build>")
    pane.type("what is in notes.txt?")
    pane.send("Enter")
    pane.wait_for("It has two lines.")
    pane.type("run echo")
    pane.send("Enter")
    import time; time.sleep(3)
    print(pane.screen())
    pane.send("Enter")
    time.sleep(2)
    print(pane.screen())
