"""The page's panels: sessions (switch, create, delete, kept in sync with other
clients), the file browser and its preview, the settings."""

from __future__ import annotations

import threading
import tomllib

import httpx

from fakellm.script import Reply

from .conftest import ASK_BASH, shoot


def chat(server, message: str, session_id: str | None = None) -> str:
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    answer = server.client.post("/api/chat/message", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["session_id"]


def test_switching_creating_and_deleting_sessions(server, open_page, fake_llm):
    fake_llm.script(Reply.text("answer about apples"), Reply.text("answer about pears"))
    apples = chat(server, "tell me about apples")
    pears = chat(server, "tell me about pears")
    page = open_page(server)
    page.locator("#sessions .session").nth(1).wait_for()
    page.locator(f'#sessions .session[data-id="{apples}"] .session-open').click()
    page.locator(".msg-assistant", has_text="answer about apples").wait_for()
    assert page.locator(".msg-user").all_inner_texts() == ["tell me about apples"]
    page.locator(f'#sessions .session[data-id="{pears}"] .session-open').click()
    page.locator(".msg-assistant", has_text="answer about pears").wait_for()
    assert page.locator(".msg-assistant", has_text="apples").count() == 0
    assert page.get_attribute(f'#sessions .session[data-id="{pears}"] .session-open', "aria-current") == "true"
    page.click("#new-session")
    page.locator("#sessions .session").nth(2).wait_for()
    page.locator("#log .msg").first.wait_for(state="detached")  # the new session is open, and empty
    current = page.get_attribute("#sessions .session.current", "data-id")
    assert current not in (apples, pears) and current in {s["id"] for s in server.client.get("/api/sessions").json()["sessions"]}
    page.locator(f'#sessions .session[data-id="{apples}"] .session-delete').click()  # the confirm is accepted
    page.locator(f'#sessions .session[data-id="{apples}"]').wait_for(state="detached")
    assert apples not in {s["id"] for s in server.client.get("/api/sessions").json()["sessions"]}
    assert page.errors == []


def test_a_session_made_by_another_client_shows_up(server, open_page):
    page = open_page(server)
    assert page.locator("#sessions .session").count() == 0
    made = server.client.post("/api/sessions", json={"title": "from the terminal"}).json()
    page.locator(f'#sessions .session[data-id="{made["id"]}"]', has_text="from the terminal").wait_for()  # via /api/events
    server.client.delete(f"/api/sessions/{made['id']}")
    page.locator(f'#sessions .session[data-id="{made["id"]}"]').wait_for(state="detached")


def test_the_file_browser_previews_a_file_highlighted(server, open_page, llm_project):
    (llm_project / "src").mkdir()
    (llm_project / "src" / "tool.py").write_text("def answer():\n    return 42\n")
    (llm_project / "README.md").write_text("# readme\n")
    page = open_page(server)
    page.click("#tab-files")
    assert page.get_attribute("#tab-files", "aria-selected") == "true"
    page.locator("#files button", has_text="src/").click()
    page.locator("#files-path", has_text="src").wait_for()
    page.locator("#files button", has_text="tool.py").click()
    code = page.locator("#preview-code")
    code.locator(".hljs-keyword", has_text="def").wait_for()
    assert code.inner_text() == "def answer():\n    return 42\n"
    assert page.inner_text("#preview-name") == "src/tool.py"
    shoot(page, "desktop_files.png")
    page.click("#files-up")
    page.locator("#files button", has_text="README.md").wait_for()
    page.click("#preview-close")
    page.locator("#preview").wait_for(state="hidden")
    assert page.errors == []


def test_settings_show_the_model_and_save_the_agent(server, open_page, llm_project):
    page = open_page(server)
    page.click("#open-settings")
    page.locator("#settings[data-loaded]").wait_for()
    page.locator("#set-provider option[value=openai]").wait_for(state="attached")
    page.wait_for_function("document.getElementById('set-model').value === 'gpt-4o'")
    assert page.input_value("#set-provider") == "openai"
    page.select_option("#set-agent", "plan")
    page.select_option("#set-language", "de")
    page.click("#settings-save")
    page.locator("#settings-note", has_text="Saved").wait_for()
    saved = tomllib.loads((llm_project / "opencode.toml").read_text())
    assert saved["agent"] == "plan" and saved["ui"]["language"] == "de"
    assert saved["provider"]["openai"]["model"] == "gpt-4o"
    page.keyboard.press("Escape")  # the dialog closes from the keyboard
    page.locator("#settings").wait_for(state="hidden")
    assert page.errors == []


def test_a_turn_of_another_client_is_answered_and_shown_in_the_page(make_server, open_page, fake_llm, llm_project):
    server = make_server(ASK_BASH)
    fake_llm.script(Reply.text("first answer"))
    session = chat(server, "start")
    page = open_page(server)
    page.locator(f'#sessions .session[data-id="{session}"] .session-open').click()
    page.locator(".msg-assistant", has_text="first answer").wait_for()
    fake_llm.script(Reply.tool_call("bash", {"command": "touch from-the-other-client"}), Reply.text("the other client's answer"))
    answers: list[httpx.Response] = []
    other = threading.Thread(target=lambda: answers.append(server.client.post(
        "/api/chat/message", json={"message": "make a file", "session_id": session})))
    other.start()
    try:
        page.locator(".ask button.answer-once").click()  # the ask came over /api/events
        page.locator(".msg-assistant", has_text="the other client's answer").wait_for()  # reloaded when done
    finally:
        other.join(timeout=120)
    assert answers and answers[0].status_code == 200 and answers[0].json()["text"] == "the other client's answer"
    assert (llm_project / "from-the-other-client").exists()
    assert page.errors == []


def test_the_page_works_from_the_keyboard(server, open_page, fake_llm):
    fake_llm.script(Reply.text("typed, never clicked"))
    page = open_page(server)
    assert page.evaluate("document.activeElement.id") == "input"  # ready to type
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send"
    page.focus("#new-session")
    page.keyboard.press("Enter")
    page.locator("#sessions .session.current").wait_for()
    page.locator("#input:focus").wait_for()  # back in the composer after opening it
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    page.locator(".msg-assistant", has_text="typed, never clicked").wait_for()
    page.locator("#open-settings").focus()
    page.keyboard.press("Enter")
    page.locator("#settings[open]").wait_for()
    page.keyboard.press("Escape")
    page.locator("#settings").wait_for(state="hidden")
    labels = page.evaluate("[...document.querySelectorAll('button')].filter((b) => !b.textContent.trim() && !b.getAttribute('aria-label')).length")
    assert labels == 0  # every button has a name
    assert page.errors == []
