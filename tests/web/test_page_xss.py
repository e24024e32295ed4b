"""Model output and file contents are untrusted: a repository file can carry a
prompt injection that makes the model answer with HTML. Nothing of it may run.

Each payload would set ``window.pwned`` (or reach ``/pwned`` on the server) if it ran;
the test also checks the DOM itself (no script element, no event handler attribute,
no ``javascript:`` link), so it fails if sanitising is dropped even where the page's
Content-Security-Policy would still block the script."""

from __future__ import annotations

from fakellm.script import Reply

PAYLOAD = (
    'Look: <img src=x onerror="window.pwned = 1">\n\n'
    "<script>window.pwned = 2</script>\n\n"
    "[click me](javascript:window.pwned=3)\n\n"
    '<a href="javascript:window.pwned=4">raw link</a> <svg onload="window.pwned=5"></svg>\n\n'
    '<iframe src="javascript:window.pwned=6"></iframe> <b onmouseover="window.pwned=7">bold</b>\n'
)


def assert_inert(page, root: str) -> None:
    assert page.evaluate("window.pwned") is None
    found = page.evaluate(
        """(root) => {
            const box = document.querySelector(root);
            const all = [...box.querySelectorAll('*')];
            return {
                scripts: box.querySelectorAll('script, iframe, object, embed').length,
                handlers: all.filter((n) => [...n.attributes].some((a) => a.name.startsWith('on'))).length,
                js_links: all.filter((n) => /^\\s*javascript:/i.test(n.getAttribute('href') || n.getAttribute('src') || '')).length,
            };
        }""",
        root,
    )
    assert found == {"scripts": 0, "handlers": 0, "js_links": 0}, found


def test_html_in_a_model_reply_does_not_run(server, open_page, fake_llm):
    fake_llm.script(Reply.text(PAYLOAD, chunks=5))
    page = open_page(server)
    page.fill("#input", "summarise the repository")
    page.press("#input", "Enter")
    answer = page.locator(".msg-assistant").last
    answer.locator("b", has_text="bold").wait_for()  # harmless markup survives
    page.locator("#send:enabled").wait_for()
    assert_inert(page, "#log")
    answer.locator("a", has_text="click me").click()  # a link with its href stripped
    answer.locator("b", has_text="bold").hover()
    assert_inert(page, "#log")
    assert page.errors == []
    # Reloading the session renders the saved reply the same way.
    page.reload()
    page.wait_for_selector("body[data-ready]", state="attached")
    page.locator("#sessions .session-open").first.click()
    page.locator(".msg-assistant b", has_text="bold").wait_for()
    assert_inert(page, "#log")


def test_html_in_a_file_is_shown_as_text(server, open_page, llm_project):
    (llm_project / "evil.html").write_text(PAYLOAD)
    (llm_project / "notes.md").write_text(PAYLOAD)
    page = open_page(server)
    page.click("#tab-files")
    for name in ("evil.html", "notes.md"):
        page.locator("#files button", has_text=name).click()
        page.locator("#preview-name", has_text=name).wait_for()
        assert page.inner_text("#preview-code") == PAYLOAD  # the markup as text, every character of it
        assert page.locator("#preview-code img, #preview-code a, #preview-code b").count() == 0
        assert_inert(page, "#preview")
    assert page.errors == []


def test_a_file_name_is_text_too(server, open_page, llm_project):
    (llm_project / '<img src=x onerror="window.pwned=8">.txt').write_text("x")
    page = open_page(server)
    page.click("#tab-files")
    page.locator("#files button", has_text="<img src=x").click()
    page.locator("#preview-name", has_text="onerror").wait_for()
    assert_inert(page, "body")
