"""The web page in a real headless browser (Debian's chromium, driven by Playwright)
against a real ``opencode serve --port 0`` on loopback, in a project whose model is
the fake model server.

One browser for the whole session (starting chromium is the slow part); each test
gets a fresh context (its own cookies and storage) and its own server."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from serving import launch

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WAIT = 30_000  # ms a condition in the page may take (10x and more its usual time)
ARTEFACTS = Path(__file__).with_name("artefacts")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ASK_BASH = '[permissions]\nbash = "ask"\n'


class Server:
    def __init__(self, proc: subprocess.Popen, url: str, auth: tuple[str, str] | None = None) -> None:
        self.proc, self.url = proc, url
        self.client = httpx.Client(base_url=url, timeout=60, auth=auth)

    def stop(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_server(cwd: Path, env: dict[str, str], auth: tuple[str, str] | None = None) -> Server:
    """``opencode serve --port 0``, once its URL is on stderr."""
    proc, url, _ = launch(cwd, env)
    return Server(proc, url, auth)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        raise AssertionError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True, timeout=60_000)
        yield chromium
        chromium.close()


@pytest.fixture
def make_server(llm_project: Path, env: dict[str, str], keys: dict[str, str]):
    """``make_server(toml="", env_extra=None, auth=None, idle=2)``: a server on the
    project with ``toml`` added to its opencode.toml (and ``idle`` as its model's idle
    timeout); stopped after the test."""
    started: list[Server] = []
    config = llm_project / "opencode.toml"
    base = config.read_text()

    def make(toml: str = "", env_extra: dict[str, str] | None = None, auth: tuple[str, str] | None = None, idle: float = 2) -> Server:
        config.write_text(base.replace("idle_timeout = 2\n", f"idle_timeout = {idle}\n") + "[server]\npermission_timeout = 60\nheartbeat = 1\n" + toml)
        started.append(start_server(llm_project, {**env, **keys, **(env_extra or {})}, auth))
        return started[-1]

    yield make
    for one in started:
        one.stop()


@pytest.fixture
def server(make_server) -> Server:
    return make_server()


@pytest.fixture
def open_page(browser):
    """``open_page(server, viewport=DESKTOP, **context)``: a fresh context on the page,
    with the page's errors collected in ``page.errors`` (a test asserts there are none)."""
    contexts = []

    def make(server: Server, viewport: dict[str, int] = DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(WAIT)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-ready]", state="attached")
        return page

    yield make
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """A screenshot kept with the tests (tests/web/artefacts/, committed)."""
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / name))
