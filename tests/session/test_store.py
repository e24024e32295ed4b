"""The session store: where files go, what they are called, finding them by id."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from opencode.errors import UsageError
from opencode.session import Session, SessionStore, file_name, search_dirs, sessions_dir
from helpers import session_folder


# -- location ------------------------------------------------------------------


def test_project_dir_in_config_wins(project: Path, data_dir: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    assert sessions_dir({"project_dir": str(elsewhere)}, project, data_dir) == elsewhere / "docs/opencode/sessions"
    # A relative project_dir is taken from the project root, wherever the command runs.
    sub = project / "src"
    sub.mkdir()
    assert sessions_dir({"project_dir": "team"}, sub, data_dir) == project / "team/docs/opencode/sessions"


def test_project_root_uses_docs_sessions(project: Path, data_dir: Path, tmp_path: Path):
    assert sessions_dir({}, project, data_dir) == project / "docs/sessions"
    toml_only = tmp_path / "toml-project"
    toml_only.mkdir()
    (toml_only / "opencode.toml").write_text("")
    assert sessions_dir({}, toml_only, data_dir) == toml_only / "docs/sessions"


def test_elsewhere_uses_data_dir(project: Path, data_dir: Path, tmp_path: Path):
    sub = project / "src"
    sub.mkdir()
    assert sessions_dir({}, sub, data_dir) == data_dir / "sessions"
    plain = tmp_path / "plain"
    plain.mkdir()
    assert sessions_dir({}, plain, data_dir) == data_dir / "sessions"
    assert sessions_dir(None, plain, data_dir) == data_dir / "sessions"


def test_config_object_works_like_a_mapping(project: Path, data_dir: Path, tmp_path: Path):
    from opencode.config import load_config

    (project / "opencode.toml").write_text(f'project_dir = "{tmp_path / "pd"}"\n')
    config = load_config(project, {"OPENCODE_CONFIG": str(tmp_path / "none.toml")})
    assert sessions_dir(config, project, data_dir) == tmp_path / "pd/docs/opencode/sessions"


def test_search_dirs_cover_every_place_current_first(project: Path, data_dir: Path, tmp_path: Path):
    sub = project / "src"
    sub.mkdir()
    assert search_dirs({}, sub, data_dir) == [data_dir / "sessions", project / "docs/sessions"]
    assert search_dirs({}, project, data_dir) == [project / "docs/sessions", data_dir / "sessions"]
    pd = tmp_path / "pd"
    assert search_dirs({"project_dir": str(pd)}, sub, data_dir) == [
        pd / "docs/opencode/sessions",
        project / "docs/sessions",
        data_dir / "sessions",
    ]


def test_session_saved_at_root_is_found_from_a_subfolder(project: Path, data_dir: Path, make_session):
    saved = make_session()
    assert saved.path.parent == project / "docs/sessions"
    sub = project / "src"
    sub.mkdir()
    from_sub = SessionStore.open({}, sub, data_dir)
    assert from_sub.directory == data_dir / "sessions"
    assert from_sub.load(saved.short_id).id == saved.id
    assert [s["id"] for s in from_sub.list()] == [saved.id]


# -- naming --------------------------------------------------------------------


def test_file_name_is_local_creation_time_and_short_id(store: SessionStore):
    session = store.create(title="t")
    store.save(session)
    assert re.fullmatch(r"session_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_[0-9a-f]{8}\.json", session.path.name)
    assert session.path.name.endswith(f"_{session.id[:8]}.json")
    assert re.fullmatch(r"[0-9a-f]{32}", session.id)
    created = datetime.fromisoformat(session.created)
    assert created.tzinfo is not None
    assert created.strftime("%Y-%m-%d_%H-%M-%S") in session.path.name


def test_file_name_of_a_known_time():
    session = Session.new("/p")
    session.id = "ea99a867" + "0" * 24
    session.created = datetime(2026, 2, 23, 12, 7, 27).astimezone().isoformat()
    assert file_name(session) == "session_2026-02-23_12-07-27_ea99a867.json"


def test_saving_twice_keeps_one_file(store: SessionStore, make_session):
    session = make_session()
    first = session.path
    session.add_message("user", [{"type": "text", "text": "more"}])
    store.save(session)
    assert session.path == first
    assert len(session_folder(store.directory)) == 1


# -- lookup --------------------------------------------------------------------


def _with_id(store: SessionStore, session_id: str, title: str = "") -> Session:
    session = store.create(title=title or session_id)
    session.id = session_id
    session.created = datetime.fromtimestamp(int(session_id[-1], 16) * 3600).astimezone().isoformat()
    session.path = None
    store.save(session)
    return session


def test_unique_prefix_and_full_id(store: SessionStore):
    a = _with_id(store, "abcd1111" + "1" * 24)
    b = _with_id(store, "abcd2222" + "2" * 24)
    assert store.load("abcd1").id == a.id
    assert store.load("abcd2222").id == b.id
    assert store.load(a.id).id == a.id
    assert store.load(b.id.upper()).id == b.id


def test_ambiguous_prefix_lists_candidates(store: SessionStore):
    a = _with_id(store, "abcd1111" + "1" * 24)
    b = _with_id(store, "abcd2222" + "2" * 24)
    with pytest.raises(UsageError) as caught:
        store.load("abc")
    assert a.id in caught.value.message and b.id in caught.value.message
    assert caught.value.exit_code == 2


def test_prefix_longer_than_short_id_reads_the_file(store: SessionStore):
    a = _with_id(store, "abcd1234" + "a" * 24)
    b = _with_id(store, "abcd1234" + "b" * 24)
    with pytest.raises(UsageError, match="ambiguous"):
        store.load("abcd1234")
    assert store.load("abcd1234a").id == a.id
    assert store.load(b.id).id == b.id


def test_unknown_id_is_usage_error_with_hint(store: SessionStore):
    _with_id(store, "abcd1111" + "1" * 24)
    for wanted in ("ffff", "abcd1111" + "2" * 24, "not-an-id", ""):
        with pytest.raises(UsageError) as caught:
            store.load(wanted)
        assert caught.value.exit_code == 2
        assert "opencode session list" in caught.value.hint


def test_list_newest_first_and_skips_broken_files(store: SessionStore, make_session):
    old = make_session("first")
    old.created = "2020-01-01T10:00:00+00:00"
    store.save(old)
    new = make_session("second")
    (store.directory / "session_2021-01-01_00-00-00_deadbeef.json").write_text("{not json")
    summaries = store.list()
    assert [s["id"] for s in summaries] == [new.id, old.id]
    assert summaries[0]["title"] == "second" and summaries[0]["messages"] == 2
    assert summaries[0]["short_id"] == new.id[:8] and summaries[0]["path"] == str(new.path)
    assert len(store.problems) == 1 and "deadbeef" in store.problems[0]


def test_latest_is_last_updated_main_session(store: SessionStore, make_session):
    assert store.latest() is None
    a = make_session("a")
    b = make_session("b")
    a.add_message("user", [{"type": "text", "text": "again"}])
    a.updated = "2999-01-01T00:00:00.000+00:00"
    store.save(a, touch=False)
    child = make_session("child", parent_id=b.id)
    child.updated = "3000-01-01T00:00:00.000+00:00"
    store.save(child, touch=False)
    assert store.latest().id == a.id
    assert store.latest(include_subagents=True).title == "child"
    assert [c.title for c in store.children(b.id)] == ["child"]


def test_delete(store: SessionStore, make_session):
    a = make_session("a")
    b = make_session("b")
    assert store.delete(a.short_id) == a.path
    assert not a.path.exists() and b.path.exists()
    with pytest.raises(UsageError):
        store.load(a.id)


def test_the_same_id_in_two_folders_is_one_session(project: Path, data_dir: Path, make_session):
    at_root = make_session()
    sub = project / "src"
    sub.mkdir()
    from_sub = SessionStore.open({}, sub, data_dir)
    copy = Session.from_dict(json.loads(at_root.path.read_text()))
    from_sub.save(copy)
    assert copy.path.parent == data_dir / "sessions"
    assert from_sub.load(at_root.short_id).path == copy.path  # the current folder first
    assert len(from_sub.list()) == 1


def test_new_sessions_never_share_a_short_id(store: SessionStore, monkeypatch):
    import opencode.session.model as model

    taken = _with_id(store, "abcd1234" + "a" * 24)
    ids = iter([taken.id[:8] + "f" * 24, "12345678" + "0" * 24])
    monkeypatch.setattr(model, "new_id", lambda: next(ids))
    fresh = store.create()
    assert fresh.id == "12345678" + "0" * 24
