"""Every route of ``opencode serve`` against a real server and the fake model."""

from __future__ import annotations

import json

from fakellm.script import Reply

SHAPE = {"session", "step_start", "text_delta", "message", "step_finish", "done"}


def test_sessions_created_listed_shown_and_deleted(server):
    client = server.client
    assert client.get("/api/sessions").json() == {"sessions": []}
    made = client.post("/api/sessions", json={"title": "My Session"})
    assert made.status_code == 201
    session = made.json()
    assert session["type"] == "session" and session["title"] == "My Session"
    listed = client.get("/api/sessions").json()["sessions"]
    assert [s["id"] for s in listed] == [session["id"]]
    detail = client.get(f"/api/sessions/{session['short_id']}").json()
    assert detail["type"] == "session_detail" and detail["id"] == session["id"]
    assert client.get(f"/api/sessions/{session['id']}/messages").json() == {"session_id": session["id"], "messages": []}
    deleted = client.delete(f"/api/sessions/{session['id']}").json()
    assert deleted["type"] == "session_deleted" and deleted["id"] == session["id"]
    assert client.get("/api/sessions").json() == {"sessions": []}


def test_chat_message_is_one_complete_answer(server, fake_llm):
    fake_llm.script(Reply.text("Hello from the model", chunks=3))
    answer = server.client.post("/api/chat/message", json={"message": "Hello!"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["text"] == "Hello from the model" and body["exit_code"] == 0
    assert body["records"][-1]["type"] == "done" and body["records"][-1]["session_id"] == body["session_id"]
    assert {r["type"] for r in body["records"]} <= SHAPE


def test_stream_is_server_sent_events_of_the_cli_records(server, fake_llm, cli):
    fake_llm.script(Reply.text("one two three", chunks=3))
    with server.client.stream("POST", "/api/chat/stream", json={"message": "count"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = response.read().decode()
    events = [e for e in raw.split("\n\n") if e.strip() and not e.startswith(":")]
    records = []
    for event in events:
        kind, data = event.split("\n")
        assert kind.startswith("event: ") and data.startswith("data: ")
        records.append(json.loads(data[6:]))
        assert kind[7:] == records[-1]["type"]
    assert "".join(r["text"] for r in records if r["type"] == "text_delta") == "one two three"

    fake_llm.script(Reply.text("one two three", chunks=3))
    cli = cli("run", "count", "--json")
    assert cli.code == 0, cli.stderr
    assert [r["type"] for r in records] == [r["type"] for r in cli.records]
    for ours, theirs in zip(records, cli.records):
        assert set(ours) == set(theirs), (ours, theirs)


def test_a_session_resumed_over_http_has_the_messages_the_cli_writes(server, fake_llm, cli):
    fake_llm.script(Reply.text("first answer"))
    first = cli("run", "first question", "--json")
    session_id = first.records[-1]["session_id"]
    fake_llm.script(Reply.text("second answer"))
    answer = server.client.post("/api/chat/message", json={"message": "second question", "session_id": session_id[:8]})
    assert answer.json()["session_id"] == session_id
    fake_llm.script(Reply.text("third answer"))
    assert cli("run", "third question", "--session", session_id, "--json").code == 0
    over_http = server.client.get(f"/api/sessions/{session_id}/messages").json()["messages"]
    on_disk = cli("session", "show", session_id, "--json").record["messages"]
    assert over_http == on_disk
    texts = [p["text"] for m in on_disk for p in m["parts"] if p["type"] == "text"]
    assert texts == ["first question", "first answer", "second question", "second answer", "third question", "third answer"]


def test_tools_answer_the_record_tool_call_writes(server, project, cli):
    (project / "notes.txt").write_text("alpha\nbeta\n")
    over_http = server.client.post("/api/tools/read", json={"path": "notes.txt"})
    assert over_http.status_code == 200
    cli = cli("tool", "call", "read", '{"path": "notes.txt"}')
    assert over_http.json() == cli.record
    names = {t["name"] for t in server.client.get("/api/tools").json()["tools"]}
    assert {"read", "write", "bash", "grep"} <= names
    wrote = server.client.post("/api/tools/write", json={"path": "made.txt", "content": "made over http\n"})
    assert wrote.status_code == 200 and (project / "made.txt").read_text() == "made over http\n"


def test_files_list_and_content(server, project):
    (project / "src").mkdir()
    (project / "src" / "main.py").write_text("print('hi')\n")
    listing = server.client.get("/api/files", params={"path": "src"}).json()
    assert listing["type"] == "tool_result" and listing["text"] == "main.py\n"
    root = server.client.get("/api/files").json()
    assert "src/main.py" in root["text"].splitlines()
    content = server.client.get("/api/files/content", params={"path": "src/main.py"}).json()
    assert content["text"] == "print('hi')\n"


def test_config_is_masked_and_patched(server, project):
    (project / "opencode.toml").write_text((project / "opencode.toml").read_text() + '[provider.groq]\napi_key = "gsk-very-secret-value"\n')
    shown = server.client.get("/api/config").json()
    assert shown["type"] == "config"
    assert "gsk-very-secret-value" not in json.dumps(shown)
    patched = server.client.patch("/api/config", json={"ui.language": "de", "lsp.timeout": 12})
    assert patched.status_code == 200, patched.text
    assert [c["key"] for c in patched.json()["changed"]] == ["ui.language", "lsp.timeout"]
    text = (project / "opencode.toml").read_text()
    assert 'language = "de"' in text and "timeout = 12" in text
    assert server.client.get("/api/config").json()["config"]["ui"]["language"] == "de"


def test_models_openapi_docs_and_page(server):
    models = server.client.get("/api/models").json()["models"]
    assert models and all(m["type"] == "model" for m in models)
    document = server.client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.") and "/api/chat/stream" in document["paths"]
    assert "/api/sessions/{id}/permissions/{request_id}" in document["paths"]
    assert "/openapi.json" in server.client.get("/docs").text
    page = server.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_events_follow_other_clients(server, fake_llm):
    seen: list[dict] = []
    with server.client.stream("GET", "/api/events") as events:
        lines = events.iter_lines()
        for line in lines:  # the hello record: subscribed
            if line.startswith("data: "):
                assert json.loads(line[6:])["type"] == "hello"
                break
        made = server.client.post("/api/sessions", json={"title": "watched"}).json()
        fake_llm.script(Reply.text("watched answer"))
        server.client.post("/api/chat/message", json={"message": "go", "session_id": made["id"]})
        for line in lines:
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
                if seen[-1].get("record", {}).get("type") == "done":
                    break
    assert seen[0]["type"] == "session_created" and seen[0]["session_id"] == made["id"]
    inner = [e["record"]["type"] for e in seen if e["type"] == "session_event"]
    assert inner[0] == "session" and inner[-1] == "done"
    assert all(e["session_id"] == made["id"] for e in seen)


def test_heartbeats_keep_a_quiet_stream_alive(server):
    with server.client.stream("GET", "/api/events") as events:
        beats = 0
        for line in events.iter_lines():
            if line == ": ping":
                beats += 1
                if beats == 2:
                    break
    assert beats == 2


def test_sigterm_stops_the_server(server):
    assert server.client.get("/api/sessions").status_code == 200
    import signal

    assert server.stop(signal.SIGTERM) == 143
    assert "Traceback" not in "".join(server.lines)


def test_ask_gives_the_records_of_opencode_ask(server, fake_llm, cli):
    fake_llm.script(Reply.text("a short answer", chunks=2))
    records = server.stream_records("/api/ask", {"prompt": "explain", "input": "def f(): pass\n", "stream": True})
    fake_llm.script(Reply.text("a short answer", chunks=2))
    piped = cli("ask", "explain", "--stream", "--json", input="def f(): pass\n")
    assert piped.code == 0, piped.stderr
    assert [r["type"] for r in records] == [r["type"] for r in piped.records] == ["text_delta", "text_delta", "message"]
    assert records[-1]["text"] == piped.records[-1]["text"] == "a short answer"
    assert set(records[-1]) == set(piped.records[-1])
    assert "def f(): pass" in fake_llm.requests[-2].text
    failed = server.stream_records("/api/ask", {"prompt": "", "input": ""})
    assert failed[-1]["type"] == "error" and failed[-1]["error"]["code"] == "usage"


def test_chat_takes_piped_input(server, fake_llm):
    fake_llm.script(Reply.text("seen"))
    server.client.post("/api/chat/message", json={"message": "review this", "input": "diff --git a/x b/x\n"})
    assert "diff --git a/x b/x" in fake_llm.requests[-1].text


def test_sigint_stops_the_server_as_ctrl_c_stops_any_command(server):
    import signal

    assert server.stop(signal.SIGINT) == 130
    assert "Traceback" not in "".join(server.lines)
