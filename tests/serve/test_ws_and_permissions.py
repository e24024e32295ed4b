"""The WebSocket (messages in, records out, cancel), a client that goes away, and
permission asks answered over HTTP or left to time out as denials."""

from __future__ import annotations

import json
import threading

from websockets.sync.client import connect

from fakellm.script import Reply

ASK_BASH = '[permissions]\nbash = "ask"\n'


def ws_url(server) -> str:
    return server.url.replace("http://", "ws://") + "/api/chat/ws"


def receive_until_done(ws, limit: int = 500) -> list[dict]:
    records = []
    for _ in range(limit):
        records.append(json.loads(ws.recv(timeout=60)))
        if records[-1]["type"] == "done":
            return records
    raise AssertionError(f"no done record in {limit}: {records}")


def test_websocket_message_in_records_out(server, fake_llm):
    fake_llm.script(Reply.text("over the socket", chunks=2), Reply.text("second turn"))
    with connect(ws_url(server), open_timeout=10) as ws:
        ws.send(json.dumps({"type": "message", "content": "Hello!"}))
        first = receive_until_done(ws)
        assert [r["type"] for r in first][0] == "session" and first[-1]["reason"] == "completed"
        assert "".join(r["text"] for r in first if r["type"] == "text_delta") == "over the socket"
        session_id = first[-1]["session_id"]
        ws.send(json.dumps({"type": "message", "session_id": session_id, "content": "again"}))
        second = receive_until_done(ws)
        assert second[-1]["session_id"] == session_id
        ws.send("not json")
        assert json.loads(ws.recv(timeout=10))["type"] == "error"
        ws.send(b"\xff\xfe binary")
        assert json.loads(ws.recv(timeout=10))["type"] == "error"
        ws.send(json.dumps({"type": "message", "session_id": "abcdef12", "content": "x"}))
        refused = json.loads(ws.recv(timeout=10))
        assert refused["type"] == "error" and refused["status"] == 404


def test_websocket_cancel_stops_the_model_stream(server, fake_llm):
    fake_llm.script(Reply.stall("partial answer", after=1))
    with connect(ws_url(server), open_timeout=10) as ws:
        ws.send(json.dumps({"type": "message", "content": "write a long essay"}))
        for _ in range(50):
            record = json.loads(ws.recv(timeout=60))
            if record["type"] == "text_delta":
                break
        ws.send(json.dumps({"type": "cancel"}))
        rest = receive_until_done(ws)
    assert rest[-1]["reason"] == "interrupted"
    assert any(r["type"] == "error" and r["error"]["code"] == "interrupted" for r in rest)


def test_a_client_that_goes_away_cancels_its_turn(server, fake_llm):
    session = server.client.post("/api/sessions", json={}).json()
    fake_llm.script(Reply.stall("partial", after=1))
    with server.client.stream("POST", "/api/chat/stream", json={"message": "slow", "session_id": session["id"]}) as response:
        for line in response.iter_lines():
            if '"text_delta"' in line:
                break  # leaving the block closes the connection mid-turn
    fake_llm.script(Reply.text("after the cancel"))
    # The cancelled turn let go of the session: the next one runs (a turn still
    # stalled would hold the session's lock until the stall ends, past the lock's wait).
    answer = server.client.post("/api/chat/message", json={"message": "next", "session_id": session["id"]})
    assert answer.status_code == 200 and answer.json()["text"] == "after the cancel", answer.text
    texts = [p.get("text") for m in server.client.get(f"/api/sessions/{session['id']}/messages").json()["messages"] for p in m["parts"]]
    assert "slow" in texts and "next" in texts


def stream_answering(server, body: dict, answer: str | None) -> list[dict]:
    """The records of a streamed turn; each permission_request is answered with
    ``answer`` from another thread (None: left unanswered)."""
    records = []
    answered = []
    with server.client.stream("POST", "/api/chat/stream", json=body) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            records.append(json.loads(line[6:]))
            ask = records[-1]
            if ask["type"] == "permission_request" and answer is not None:
                url = f"/api/sessions/{ask['session_id']}/permissions/{ask['request_id']}"
                thread = threading.Thread(target=lambda: answered.append(server.client.post(url, json={"answer": answer})))
                thread.start()
                thread.join(timeout=30)
    assert all(r.status_code == 200 for r in answered)
    return records


def test_a_permission_ask_answered_over_http(make_server, fake_llm, project):
    server = make_server(ASK_BASH + "[server]\npermission_timeout = 60\n")
    fake_llm.script(Reply.tool_call("bash", {"command": "touch approved-over-http"}), Reply.text("made it"))
    records = stream_answering(server, {"message": "make the file"}, "once")
    ask = next(r for r in records if r["type"] == "permission_request")
    assert ask["tool"] == "bash" and ask["input"]["command"] == "touch approved-over-http" and "once" in ask["answers"]
    assert next(r for r in records if r["type"] == "permission_answered")["answer"] == "once"
    assert next(r for r in records if r["type"] == "tool_result")["status"] == "completed"
    assert (project / "approved-over-http").exists()
    assert records[-1]["type"] == "done" and records[-1]["reason"] == "completed"


def test_an_unanswered_ask_times_out_as_a_denial(make_server, fake_llm, project):
    server = make_server(ASK_BASH + "[server]\npermission_timeout = 0.5\n")
    fake_llm.script(Reply.tool_call("bash", {"command": "touch never-made"}), Reply.text("could not"))
    records = stream_answering(server, {"message": "make the file"}, None)
    answered = next(r for r in records if r["type"] == "permission_answered")
    assert answered["answer"] == "deny" and answered["reason"] == "timeout"
    assert next(r for r in records if r["type"] == "tool_result")["status"] == "denied"
    assert not (project / "never-made").exists()
    late = server.client.post(f"/api/sessions/{answered['session_id']}/permissions/{answered['request_id']}", json={"answer": "once"})
    assert late.status_code == 404


def test_a_deny_answer_and_a_bad_answer(make_server, fake_llm, project):
    server = make_server(ASK_BASH)
    fake_llm.script(Reply.tool_call("bash", {"command": "touch denied-file"}), Reply.text("ok"))
    records = stream_answering(server, {"message": "make the file"}, "deny")
    assert next(r for r in records if r["type"] == "tool_result")["status"] == "denied"
    assert not (project / "denied-file").exists()
    ask = next(r for r in records if r["type"] == "permission_request")
    bad = server.client.post(f"/api/sessions/{ask['session_id']}/permissions/{ask['request_id']}", json={"answer": "maybe"})
    assert bad.status_code == 400


def test_websocket_cancel_stops_a_running_tool(server, fake_llm, project):
    fake_llm.script(Reply.tool_call("bash", {"command": "echo started; sleep 30; touch after-the-sleep"}), Reply.text("never asked"))
    with connect(ws_url(server), open_timeout=10) as ws:
        ws.send(json.dumps({"type": "message", "content": "run the slow command", "yes": True}))
        for _ in range(50):
            if json.loads(ws.recv(timeout=60))["type"] == "tool_call":
                break
        ws.send(json.dumps({"type": "cancel"}))
        rest = receive_until_done(ws)
    assert rest[-1]["reason"] == "interrupted"
    assert not (project / "after-the-sleep").exists()


def test_the_question_tool_is_answered_over_http(server, fake_llm):
    questions = [{"question": "Which colour?", "options": ["red", "blue"]}]
    fake_llm.script(Reply.tool_call("question", {"questions": questions}), Reply.text("blue it is"))
    records = []
    with server.client.stream("POST", "/api/chat/stream", json={"message": "pick a colour"}) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            records.append(json.loads(line[6:]))
            asked = records[-1]
            if asked["type"] == "question_request":
                assert asked["questions"] == questions
                base = f"/api/sessions/{asked['session_id']}"
                wrong_kind = server.client.post(f"{base}/permissions/{asked['request_id']}", json={"answer": "once"})
                assert wrong_kind.status_code == 404
                assert server.client.post(f"{base}/questions/{asked['request_id']}", json={"answers": "blue"}).status_code == 400
                assert server.client.post(f"{base}/questions/{asked['request_id']}", json={"answers": ["blue"]}).status_code == 200
    result = next(r for r in records if r["type"] == "tool_result")
    assert result["status"] == "completed" and result["metadata"]["answers"] == ["blue"]
    assert records[-1]["reason"] == "completed"
