"""``opencode session list|show|delete``, ``export`` and ``import``, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import session_folder


def test_list_records_newest_first(oc, make_session):
    old = make_session("first prompt")
    new = make_session("second prompt", agent="plan", model="anthropic/claude-sonnet-4")
    result = oc("session", "list")
    assert result.code == 0, result.stderr
    assert [r["type"] for r in result.records] == ["session", "session"]
    top = result.records[0]
    assert top["id"] == top["session_id"] == new.id and result.records[1]["id"] == old.id
    assert top["short_id"] == new.id[:8] and top["title"] == "second prompt"
    assert top["agent"] == "plan" and top["model"] == "anthropic/claude-sonnet-4"
    assert top["messages"] == 2 and top["cost_usd"] == 0.0015 and top["path"] == str(new.path)
    assert top["created"] and top["updated"] and top["v"] == 1
    assert new.id[:8] in top["text"] and "second prompt" in top["text"] and "$0.0015" in top["text"]


def test_list_as_text_and_empty(oc, make_session):
    empty = oc("session", "list")
    assert empty.code == 0 and empty.records == []
    session = make_session("hello there")
    assert [r["id"] for r in oc("session").records] == [session.id]  # the group alone lists
    text = oc("session", "list", "--format", "text")
    assert text.code == 0
    assert text.stdout.startswith(session.id[:8]) and "hello there" in text.stdout and "[build openai/gpt-4o]" in text.stdout


def test_list_warns_about_a_broken_file(oc, make_session, project: Path):
    make_session()
    (project / "docs/sessions/session_2020-01-01_00-00-00_deadbeef.json").write_text("{")
    result = oc("session", "list")
    assert result.code == 0 and len(result.records) == 1
    assert "deadbeef" in result.stderr


def test_show_in_a_pipe_is_the_whole_session(oc, make_session):
    session = make_session("explain main.py", answer="it prints hi")
    result = oc("session", "show", session.id[:5])
    assert result.code == 0, result.stderr
    rec = result.record
    assert rec["type"] == "session_detail" and rec["id"] == session.id and rec["format"] == 1
    assert rec["messages"] == json.loads(session.path.read_text())["messages"]
    assert rec["path"] == str(session.path)


def test_show_as_text_reads_like_a_conversation(oc, make_session):
    session = make_session("explain main.py", answer="it prints hi")
    result = oc("session", "show", session.id, "--format", "text")
    assert result.code == 0
    out = result.stdout
    assert f"session {session.id}: explain main.py" in out
    assert "── user" in out and "── assistant (build, openai/gpt-4o)" in out
    assert '[read] {"path": "a.py"}  (ok)' in out and "print('hi')" in out
    assert out.index("explain main.py\n") < out.index("it prints hi")


def test_show_unknown_and_ambiguous_ids_exit_2(oc, store, make_session):
    assert oc("session", "show", "ffffffff").code == 2
    unknown = oc("session", "show", "ffffffff")
    assert "opencode session list" in unknown.stderr and unknown.record["type"] == "error"
    for prefix in ("aa11", "aa22"):
        session = store.create()
        session.id = prefix + "0" * 28
        session.path = None
        store.save(session)
    ambiguous = oc("session", "show", "aa")
    assert ambiguous.code == 2
    assert "aa11" + "0" * 28 in ambiguous.stderr and "aa22" + "0" * 28 in ambiguous.stderr


def test_show_from_a_subfolder(oc, make_session, project: Path):
    session = make_session()
    sub = project / "src"
    sub.mkdir()
    assert oc("session", "show", session.id[:8], cwd=sub).record["id"] == session.id


def test_delete(oc, make_session):
    a = make_session("a")
    b = make_session("b")
    result = oc("session", "delete", a.id[:8])
    assert result.code == 0 and result.record["type"] == "session_deleted" and result.record["id"] == a.id
    assert not a.path.exists() and b.path.exists()
    assert oc("session", "show", a.id).code == 2
    # One unknown id and nothing is deleted.
    failed = oc("session", "delete", b.id, "ffffffff")
    assert failed.code == 2 and b.path.exists()


def test_export_to_file_masks_secrets(oc, store, project: Path):
    session = store.create()
    session.add_message("user", [{"type": "text", "text": "deploy with token ghp_verysecret123"}])
    store.save(session)  # this store has no env: the secret is on disk
    result = oc("export", session.id[:6], "-o", "out/x.json", extra_env={"GITHUB_TOKEN": "ghp_verysecret123"})
    assert result.code == 0, result.stderr
    assert result.record["type"] == "session_exported" and result.record["path"] == str(project / "out/x.json")
    exported = (project / "out/x.json").read_text()
    assert "ghp_verysecret123" not in exported and "deploy with token ***" in exported
    data = json.loads(exported)
    assert data["id"] == session.id and data["format"] == 1


def test_export_to_stdout_is_the_file_itself(oc, make_session):
    session = make_session()
    result = oc("export", session.id)
    assert result.code == 0
    assert json.loads(result.stdout)["id"] == session.id
    assert oc("export", "ffffffff").code == 2


def test_import_into_another_project(oc, make_session, project: Path, other_project: Path):
    session = make_session("carry me over")
    assert oc("export", session.id, "-o", str(project / "x.json")).code == 0
    result = oc("import", str(project / "x.json"), cwd=other_project)
    assert result.code == 0, result.stderr
    rec = result.record
    assert rec["type"] == "session_imported" and rec["id"] == session.id and rec["replaced"] is False
    stored = Path(rec["path"])
    assert stored.parent == other_project / "docs/sessions" and stored.name == session.path.name
    listed = oc("session", "list", cwd=other_project).records
    assert [r["id"] for r in listed] == [session.id] and listed[0]["title"] == "carry me over"
    shown = oc("session", "show", session.id[:8], cwd=other_project).record
    assert shown["messages"] == json.loads(session.path.read_text())["messages"]


def test_import_never_overwrites_without_force(oc, make_session, project: Path, other_project: Path):
    session = make_session()
    oc("export", session.id, "-o", "x.json")
    assert oc("import", str(project / "x.json"), cwd=other_project).code == 0
    data = json.loads((project / "x.json").read_text())
    data["title"] = "changed"
    (project / "x.json").write_text(json.dumps(data))
    again = oc("import", str(project / "x.json"), cwd=other_project)
    assert again.code == 2 and "--force" in again.stderr
    assert oc("session", "show", session.id, cwd=other_project).record["title"] == session.title
    forced = oc("import", str(project / "x.json"), "--force", cwd=other_project)
    assert forced.code == 0 and forced.record["replaced"] is True
    assert oc("session", "show", session.id, cwd=other_project).record["title"] == "changed"
    assert len(session_folder(other_project / "docs/sessions")) == 1


def test_import_from_a_pipe(oc, make_session, other_project: Path):
    session = make_session()
    exported = oc("export", session.id).stdout
    result = oc("import", input=exported, cwd=other_project)
    assert result.code == 0 and result.record["id"] == session.id
    # The record 'session show' writes in a pipe imports too.
    detail = oc("session", "show", session.id).stdout
    assert oc("import", "--force", input=detail, cwd=other_project).code == 0


def test_import_refuses_malformed_files(oc, make_session, project: Path, other_project: Path):
    (project / "junk.json").write_text("not json at all")
    bad = oc("import", str(project / "junk.json"), cwd=other_project)
    assert bad.code == 2 and "not valid JSON" in bad.stderr
    (project / "shape.json").write_text(json.dumps({"format": 1, "id": "nope", "messages": []}))
    shape = oc("import", str(project / "shape.json"), cwd=other_project)
    assert shape.code == 2 and "malformed session" in shape.stderr
    session = make_session()
    data = json.loads(session.path.read_text()) | {"format": 7}
    (project / "newer.json").write_text(json.dumps(data))
    newer = oc("import", str(project / "newer.json"), cwd=other_project)
    assert newer.code == 2 and "newer" in newer.stderr
    assert oc("import", str(project / "missing.json"), cwd=other_project).code == 2
    assert not (other_project / "docs").exists()
