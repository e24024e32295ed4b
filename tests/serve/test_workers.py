"""The app under several uvicorn workers (``opencode.serve.asgi``): two clients
writing one session never lose a turn, whichever worker runs each."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time

import httpx

from fakellm.script import Reply


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def wait_until_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            if httpx.get(url + "/api/sessions", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("uvicorn did not come up")


def test_two_workers_two_clients_one_session(llm_project, serve_env, fake_llm):
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "opencode.serve.asgi:from_environment", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=llm_project, env=serve_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc)
        assert httpx.get(url + "/api/sessions", headers={"Host": "evil.example"}, timeout=10).status_code == 403
        session = httpx.post(url + "/api/sessions", json={"title": "shared"}, timeout=10).json()
        fake_llm.script(Reply.text("answer A").with_delay(0.2, first=1.0), Reply.text("answer B").with_delay(0.2, first=1.0))
        answers: list[httpx.Response] = []

        def chat(prompt: str) -> None:
            with httpx.Client(timeout=120) as client:  # a connection of its own: either worker may take it
                answers.append(client.post(url + "/api/chat/message", json={"message": prompt, "session_id": session["id"]}))

        threads = [threading.Thread(target=chat, args=(p,)) for p in ("prompt A", "prompt B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=150)
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        messages = httpx.get(f"{url}/api/sessions/{session['id']}/messages", timeout=10).json()["messages"]
        texts = [p["text"] for m in messages for p in m["parts"] if p["type"] == "text"]
        assert len(texts) == 4, texts
        assert sorted([texts[0], texts[2]]) == ["prompt A", "prompt B"]
        assert {texts[1], texts[3]} == {"answer A", "answer B"}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
