"""``opencode web``: starts the server or reuses the one on the port, prints the URL,
opens a browser only where one can be shown."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from helpers import opencode_command

from serving import START


class Web:
    """A running ``opencode web``: its URL (stdout's first line) and stderr."""

    def __init__(self, cwd: Path, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen(
            [*opencode_command(), "web", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.ready.wait(START), f"no URL from opencode web: {self.proc.stderr}"
        self.url = self.lines[0].strip()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            self.ready.set()

    def stop(self) -> int:
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=10)


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[Path, Path]:
    """A "browser" (``$BROWSER``, which ``webbrowser`` honours) that writes down the URL it got."""
    seen = tmp_path / "opened.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\necho "$1" >> {seen}\n')
    script.chmod(0o755)
    return script, seen


def run_web(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*opencode_command(), "web", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )


def test_web_starts_a_server_and_a_second_one_reuses_it(project, env, recorder):
    script, seen = recorder
    web = Web(project, {**env, "BROWSER": str(script)}, "--port", "0")  # no display: no browser
    try:
        page = httpx.get(web.url + "/", timeout=30)
        assert page.status_code == 200 and "Content-Security-Policy" in page.text and 'src="app.js"' in page.text
        port = web.url.rsplit(":", 1)[1]
        again = run_web(project, {**env, "BROWSER": str(script), "DISPLAY": ":0"}, "--port", port)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == web.url
        assert "using the server on" in again.stderr
        assert seen.read_text().split() == [web.url + "/"]  # with a display, the browser got the page
    finally:
        assert web.stop() in (0, 143)


def test_no_open_and_no_display_open_no_browser(project, env, recorder):
    script, seen = recorder
    web = Web(project, {**env, "BROWSER": str(script), "DISPLAY": ":0"}, "--port", "0", "--no-open")
    try:
        assert web.url.startswith("http://127.0.0.1:")
        assert httpx.get(web.url + "/api/sessions", timeout=30).status_code == 200
    finally:
        web.stop()
    assert not seen.exists()


def test_a_port_held_by_another_program_is_one_clear_line(project, env):
    class Other(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"info": {"title": "something else"}}')

        def log_message(self, *args) -> None:
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        result = run_web(project, env, "--port", str(other.server_address[1]), "--no-open")
    finally:
        other.shutdown()
        other.server_close()
    assert result.returncode == 2
    assert "is not an opencode server" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the line and its hint
    assert json.loads(result.stdout)["error"]["code"] == "usage"  # stdout is a pipe: the error record


def test_a_public_host_without_a_password_is_refused(project, env):
    result = run_web(project, {k: v for k, v in env.items() if k != "OPENCODE_SERVER_PASSWORD"}, "--host", "0.0.0.0", "--port", "0", "--no-open")
    assert result.returncode == 2 and "without a password" in result.stderr and "Traceback" not in result.stderr


def test_a_server_with_a_password_is_recognised_by_its_challenge(project, env):
    secret = {**env, "OPENCODE_SERVER_PASSWORD": "s3cret"}
    web = Web(project, secret, "--port", "0", "--no-open")
    try:
        assert httpx.get(web.url + "/", timeout=30).status_code == 401
        again = run_web(project, env, "--port", web.url.rsplit(":", 1)[1], "--no-open")
        assert again.returncode == 0 and again.stdout.strip() == web.url, again.stderr
    finally:
        web.stop()

