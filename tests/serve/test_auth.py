"""Who may talk to the server: loopback without a password, the password on every
route when set, no public address without one, no foreign browser origin."""

from __future__ import annotations

import base64
import json
import socket

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from helpers import run

PASSWORD = "correct horse battery"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def guarded(make_server, serve_env):
    return make_server("", env={**serve_env, "OPENCODE_SERVER_PASSWORD": PASSWORD})


@pytest.mark.parametrize("method, path", [("GET", "/api/sessions"), ("GET", "/api/events"), ("POST", "/api/chat/stream"), ("GET", "/"), ("GET", "/openapi.json"), ("POST", "/api/tools/read")])
def test_every_route_needs_the_password(guarded, method, path):
    response = guarded.client.request(method, path, json={"message": "hi"} if method == "POST" else None)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.required"
    assert response.headers["www-authenticate"].startswith("Basic")
    wrong = guarded.client.request(method, path, headers={"Authorization": "Bearer not-it"})
    assert wrong.status_code == 401


def test_bearer_and_basic_are_accepted(guarded):
    assert guarded.client.get("/api/sessions", headers={"Authorization": f"Bearer {PASSWORD}"}).status_code == 200
    assert guarded.client.get("/api/sessions", headers={"Authorization": basic("anyone", PASSWORD)}).status_code == 200
    assert guarded.client.get("/api/sessions", headers={"Authorization": basic("anyone", "wrong")}).status_code == 401
    assert guarded.client.get("/api/sessions", headers={"Authorization": "Basic !!notbase64"}).status_code == 401


def test_the_websocket_needs_the_password_too(guarded):
    ws_url = guarded.url.replace("http://", "ws://") + "/api/chat/ws"
    with pytest.raises(InvalidStatus):
        with connect(ws_url, open_timeout=10):
            pass
    with connect(ws_url, open_timeout=10, additional_headers={"Authorization": f"Bearer {PASSWORD}"}) as ws:
        ws.send(json.dumps({"type": "bogus"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "error"


def test_no_password_needed_on_loopback(server):
    assert server.client.get("/api/sessions").status_code == 200


def test_a_public_address_without_a_password_is_refused_before_binding(llm_project, serve_env):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    result = run(["serve", "--host", "0.0.0.0", "--port", str(port)], cwd=llm_project, env=serve_env, timeout=60)
    assert result.code == 2
    assert "OPENCODE_SERVER_PASSWORD" in result.stderr and "0.0.0.0" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    free = socket.socket()
    free.bind(("0.0.0.0", port))  # nothing was left listening on it
    free.close()


def test_other_origins_and_hosts_are_refused(server):
    own = server.url
    assert server.client.get("/api/sessions", headers={"Origin": own}).status_code == 200
    foreign = server.client.post("/api/chat/message", json={"message": "rm -rf"}, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403 and foreign.json()["type"] == "error"
    assert server.client.get("/api/sessions", headers={"Host": "evil.example"}).status_code == 403
    preflight = server.client.options("/api/sessions", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    ws_url = server.url.replace("http://", "ws://") + "/api/chat/ws"
    with pytest.raises(InvalidStatus):
        with connect(ws_url, open_timeout=10, origin="http://evil.example"):
            pass


def test_configured_cors_origins_are_allowed(make_server):
    server = make_server('[server]\ncors = ["http://localhost:5173"]\n')
    answer = server.client.get("/api/sessions", headers={"Origin": "http://localhost:5173"})
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "http://localhost:5173"


def test_a_port_in_use_is_one_clear_line(llm_project, serve_env):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        result = run(["serve", "--port", str(taken.getsockname()[1])], cwd=llm_project, env=serve_env, timeout=60)
    finally:
        taken.close()
    assert result.code == 2
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr
