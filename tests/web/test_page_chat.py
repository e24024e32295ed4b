"""The page's chat: a streamed Markdown answer, a permission ask approved in the page,
Stop, and a server with a password."""

from __future__ import annotations

import httpx

from fakellm.script import Reply

from .conftest import ASK_BASH, DESKTOP, PHONE, shoot

ANSWER = "Here is **the plan**:\n\n1. read `main.py`\n2. fix it\n\n```python\ndef main():\n    return 42\n```\n"


def send(page, text: str) -> None:
    page.fill("#input", text)
    page.press("#input", "Enter")


def test_a_message_streams_a_markdown_answer_with_highlighted_code(server, open_page, fake_llm):
    fake_llm.script(Reply.text(ANSWER, chunks=6))
    page = open_page(server)
    page.fill("#input", "first line")
    page.press("#input", "Shift+Enter")  # a new line, not a send
    page.type("#input", "second line")
    assert page.input_value("#input") == "first line\nsecond line"
    page.press("#input", "Enter")
    answer = page.locator(".msg-assistant").last
    answer.locator("strong", has_text="the plan").wait_for()
    code = answer.locator("pre code.hljs")
    code.wait_for()
    assert code.locator(".hljs-keyword", has_text="def").count() == 1
    assert page.locator(".msg-user").last.inner_text() == "first line\nsecond line"
    page.locator("#send:enabled").wait_for()
    session = page.locator("#sessions .session.current")
    session.wait_for()
    assert server.client.get("/api/sessions").json()["sessions"][0]["id"] == session.get_attribute("data-id")
    assert page.errors == []
    shoot(page, "desktop_chat.png")


def test_a_bash_call_needing_permission_is_approved_in_the_page(make_server, open_page, fake_llm, llm_project):
    server = make_server(ASK_BASH)
    fake_llm.script(Reply.tool_call("bash", {"command": "echo approved > approved-in-page.txt && echo done-it"}), Reply.text("made the file"))
    page = open_page(server)
    send(page, "make the file")
    ask = page.locator(".ask")
    ask.locator("pre", has_text="approved-in-page.txt").wait_for()
    assert ask.locator("button").all_inner_texts() == ["Allow once", "Always allow", "Deny"]
    assert not (llm_project / "approved-in-page.txt").exists()
    shoot(page, "desktop_permission.png")
    ask.locator("button.answer-once").click()
    page.locator(".ask.answered", has_text="Answered: once").wait_for()
    tool = page.locator("details.tool.tool-completed")
    tool.wait_for()
    assert "bash" in tool.locator("summary").inner_text()
    tool.locator("summary").click()  # folded: the output shows when expanded
    tool.locator(".tool-body", has_text="done-it").wait_for(state="visible")
    page.locator(".msg-assistant", has_text="made the file").wait_for()
    assert (llm_project / "approved-in-page.txt").read_text() == "approved\n"
    assert page.errors == []


def test_an_edit_shows_as_a_diff(server, open_page, fake_llm, llm_project):
    (llm_project / "notes.txt").write_text("alpha\nbeta\n")
    fake_llm.script(
        Reply.tool_call("read", {"path": "notes.txt"}),
        Reply.tool_call("edit", {"path": "notes.txt", "old_string": "beta", "new_string": "gamma"}), Reply.text("edited")
    )
    page = open_page(server)
    send(page, "change beta to gamma")
    body = page.locator("details.tool.tool-completed", has_text="edit").locator(".tool-body")
    body.wait_for(state="visible")  # an edit is shown unfolded
    assert body.locator(".hljs-deletion", has_text="beta").count() == 1
    assert body.locator(".hljs-addition", has_text="gamma").count() == 1
    assert (llm_project / "notes.txt").read_text() == "alpha\ngamma\n"


def test_stop_cancels_the_turn_and_the_session_takes_the_next(make_server, open_page, fake_llm):
    server = make_server(idle=60)  # the stall ends by Stop, not by the model's idle timeout
    fake_llm.script(Reply.stall("partial answer", after=1))
    page = open_page(server)
    send(page, "write a long essay")
    page.locator(".msg-assistant", has_text="partial").wait_for()
    assert page.locator("#send").is_disabled()
    page.click("#stop")
    page.locator(".msg-note", has_text="Stopped").wait_for()
    page.locator("#send:enabled").wait_for()
    # The stopped turn's done reaches the page on /api/events a moment later: it is this
    # page's own turn, so the log stays as it is (a reload would drop the note).
    page.wait_for_timeout(2000)
    assert page.locator(".msg-note", has_text="Stopped").count() == 1
    fake_llm.script(Reply.text("after the stop"))
    send(page, "next")
    page.locator(".msg-assistant", has_text="after the stop").wait_for()
    session_ids = {s["id"] for s in server.client.get("/api/sessions").json()["sessions"]}
    assert len(session_ids) == 1  # the same session went on
    assert page.errors == []


def test_a_server_with_a_password_answers_the_page_once_the_browser_has_it(make_server, open_page, fake_llm):
    server = make_server(env_extra={"OPENCODE_SERVER_PASSWORD": "s3cret"}, auth=("opencode", "s3cret"))
    bare = httpx.get(server.url + "/", timeout=30)
    assert bare.status_code == 401 and bare.headers["www-authenticate"].startswith("Basic")  # the browser asks
    fake_llm.script(Reply.text("behind the password"))
    page = open_page(server, http_credentials={"username": "me", "password": "s3cret"})
    send(page, "hello")
    page.locator(".msg-assistant", has_text="behind the password").wait_for()
    page.locator("#sessions .session").first.wait_for()  # fetch and the event stream carried it too
    assert page.errors == []


def test_the_phone_layout_keeps_the_controls_usable(server, open_page, fake_llm):
    server.client.post("/api/sessions", json={"title": "earlier work"})
    fake_llm.script(Reply.text("small screen answer with a `very_long_identifier_that_should_wrap_somewhere_nicely`"))
    page = open_page(server, viewport=PHONE)
    for selector in ("#input", "#send", "#stop", "#toggle-side", "#open-settings"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
    assert not page.locator("#new-session").is_visible()  # the drawer is closed
    send(page, "hi from a phone")
    page.locator(".msg-assistant", has_text="small screen answer").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "phone_chat.png")
    page.click("#toggle-side")
    assert page.get_attribute("#toggle-side", "aria-expanded") == "true"
    page.locator("#sessions .session-open", has_text="earlier work").wait_for(state="visible")
    shoot(page, "phone_sessions.png")
    page.locator("#sessions .session-open", has_text="earlier work").click()
    page.locator("#session-title", has_text="earlier work").wait_for()
    page.locator("#new-session").wait_for(state="hidden")  # choosing closed the drawer
    assert page.errors == []
    page.set_viewport_size(DESKTOP)


def test_the_question_tool_is_answered_in_the_page(server, open_page, fake_llm):
    questions = [
        {"question": "Which colour?", "options": ["red", "blue"]},
        {"question": "Which sizes?", "options": ["S", "M", "L"], "multiple": True},
        {"question": "Anything else?"},
    ]
    fake_llm.script(Reply.tool_call("question", {"questions": questions}), Reply.text("noted your choices"))
    page = open_page(server)
    send(page, "ask me")
    form = page.locator(".question form")
    form.locator("legend", has_text="Which colour?").wait_for()
    form.get_by_label("blue").check()
    form.get_by_label("S", exact=True).check()
    form.get_by_label("L", exact=True).check()
    form.get_by_label("Anything else?").fill("<b>nothing</b>")
    form.locator("button.answer-questions").click()
    page.locator(".question.answered", has_text="Answered: blue; S, L; <b>nothing</b>").wait_for()
    page.locator(".msg-assistant", has_text="noted your choices").wait_for()
    result = [m for m in fake_llm.requests if "Which colour?" in m.text][-1].text
    assert "A: blue" in result and "A: S, L" in result and "A: <b>nothing</b>" in result
    assert page.errors == []
