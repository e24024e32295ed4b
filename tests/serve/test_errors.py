"""Bad requests are 4xx with the protocol's error record as the body, never a 500."""

from __future__ import annotations

import pytest


def is_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["type"] == "error" and body["error"]["message"]
    assert "Traceback" not in response.text
    if code is not None:
        assert body["error"]["code"] == code
    return body


@pytest.mark.parametrize("method, path", [("POST", "/api/chat/message"), ("POST", "/api/chat/stream"), ("POST", "/api/sessions"), ("POST", "/api/tools/read"), ("PATCH", "/api/config")])
def test_malformed_json(server, method, path):
    is_error(server.client.request(method, path, content=b'{"message": "unterminated', headers={"content-type": "application/json"}), 400, "usage")


def test_wrong_shapes(server):
    client = server.client
    is_error(client.post("/api/chat/message", json=["a", "list"]), 400)
    is_error(client.post("/api/chat/message", json={"message": ""}), 400)
    is_error(client.post("/api/chat/message", json={"message": "hi", "sesion_id": "abc"}), 400)
    is_error(client.post("/api/sessions", json={"title": 3}), 400)
    is_error(client.post("/api/tools/read", json={"path": 7}), 400, "usage.invalid_params")


def test_unknown_sessions_and_tools_are_404(server):
    client = server.client
    for response in (
        client.get("/api/sessions/abcdef12"),
        client.delete("/api/sessions/abcdef12"),
        client.get("/api/sessions/abcdef12/messages"),
        client.post("/api/chat/message", json={"message": "hi", "session_id": "abcdef12"}),
        client.post("/api/chat/stream", json={"message": "hi", "session_id": "abcdef12"}),
        client.post("/api/sessions/abcdef12/permissions/0011", json={"answer": "once"}),
    ):
        is_error(response, 404)
    body = is_error(client.post("/api/tools/reed", json={}), 404)
    assert body["tool"] == "reed" and "read" in body["error"]["hint"]
    is_error(client.get("/api/sessions/not-hex"), 400)
    is_error(client.get("/api/nothing-here"), 404)
    is_error(client.put("/api/sessions"), 405)


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "%2e%2e/outside.txt", "src/../../outside.txt", "link/outside.txt", "escape.txt"])
def test_file_routes_stay_inside_the_project(server, project, path):
    outside = project.parent / "outside.txt"
    outside.write_text("secret outside the project\n")
    (project / "src").mkdir(exist_ok=True)
    (project / "link").symlink_to(project.parent, target_is_directory=True)
    (project / "escape.txt").symlink_to(outside)
    for route in ("/api/files/content", "/api/files"):
        # the raw query keeps %2e%2e as the client wrote it; the server decodes it once
        response = server.client.get(f"{route}?path={path}")
        assert response.status_code in (400, 403, 404), response.text
        assert "secret outside" not in response.text
        is_error(response, response.status_code)


def test_oversized_bodies_are_413(make_server):
    server = make_server("[server]\nmax_body = 2000\n")
    is_error(server.client.post("/api/tools/write", json={"path": "big.txt", "content": "x" * 5000}), 413)
    is_error(server.client.post("/api/chat/message", content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"}), 413)
    assert server.client.post("/api/tools/write", json={"path": "small.txt", "content": "x" * 100}).status_code == 200


def test_a_turn_that_cannot_start_gets_its_errors_status(server):
    answer = server.client.post("/api/chat/message", json={"message": "hi", "agent": "no-such-agent"})
    body = answer.json()
    assert answer.status_code == 400 and body["exit_code"] == 2
    assert [r["type"] for r in body["records"]] == ["error", "done"]
