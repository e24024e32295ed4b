"""Finding this user's server (``opencode.rendezvous``): a file only its user can read,
a live process, and a proof of the token before anything is trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from opencode import rendezvous
from opencode.errors import NetworkError, PermissionDenied, UsageError, from_dict


@pytest.fixture
def place(tmp_path):
    cwd, data = tmp_path / "proj", tmp_path / "data"
    cwd.mkdir()
    return cwd, data, {"HOME": str(tmp_path)}


def test_a_published_server_is_found_with_its_token(place):
    cwd, data, env = place
    path, token = rendezvous.publish(cwd, data, env, "http://127.0.0.1:4321")
    found = rendezvous.lookup(cwd, data, env)
    assert found == rendezvous.Published("http://127.0.0.1:4321", token, os.getpid())
    assert oct(path.stat().st_mode & 0o777) == "0o600" and oct(path.parent.stat().st_mode & 0o777) == "0o700"


def test_nothing_published_is_none(place):
    assert rendezvous.lookup(*place) is None


@pytest.mark.parametrize(
    "other",
    [
        {"OPENAI_API_KEY": "another key"},
        {"OPENCODE_CONFIG": "/elsewhere/opencode.toml"},
        {"OPENCODE_MODEL": "openai/gpt-4o-mini"},
    ],
)
def test_other_settings_do_not_find_it(place, other):
    cwd, data, env = place
    rendezvous.publish(cwd, data, env, "http://127.0.0.1:4321")
    assert rendezvous.lookup(cwd, data, {**env, **other}) is None
    assert rendezvous.lookup(cwd, data, {**env, "OPENCODE_NO_ATTACH": "0", "TERM": "dumb"}) is not None  # not settings


def test_another_directory_does_not_find_it(place, tmp_path):
    cwd, data, env = place
    rendezvous.publish(cwd, data, env, "http://127.0.0.1:4321")
    (tmp_path / "other").mkdir()
    assert rendezvous.lookup(tmp_path / "other", data, env) is None


def test_an_entry_others_can_read_or_write_is_not_trusted(place):
    cwd, data, env = place
    path, _ = rendezvous.publish(cwd, data, env, "http://127.0.0.1:4321")
    path.chmod(0o644)
    assert rendezvous.lookup(cwd, data, env) is None


def test_a_symlinked_entry_is_not_followed(place, tmp_path):
    cwd, data, env = place
    path, _ = rendezvous.publish(cwd, data, env, "http://127.0.0.1:4321")
    real = tmp_path / "real.json"
    real.write_bytes(path.read_bytes())
    real.chmod(0o600)
    path.unlink()
    path.symlink_to(real)
    assert rendezvous.lookup(cwd, data, env) is None


def test_a_dead_servers_entry_is_removed(place):
    cwd, data, env = place
    path = rendezvous.entry_path(cwd, data, env)
    path.parent.mkdir(parents=True, mode=0o700)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    path.write_text(json.dumps({"url": "http://127.0.0.1:1", "token": "t", "pid": int(gone)}))
    path.chmod(0o600)
    assert rendezvous.lookup(cwd, data, env) is None
    assert not path.exists()


def test_garbage_is_not_a_server(place):
    cwd, data, env = place
    path = rendezvous.entry_path(cwd, data, env)
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_text("{not json")
    path.chmod(0o600)
    assert rendezvous.lookup(cwd, data, env) is None


def test_withdraw_leaves_a_newer_servers_entry(place):
    cwd, data, env = place
    path, old = rendezvous.publish(cwd, data, env, "http://127.0.0.1:1111")
    _, new = rendezvous.publish(cwd, data, env, "http://127.0.0.1:2222")
    rendezvous.withdraw(path, old)
    assert rendezvous.lookup(cwd, data, env).token == new
    rendezvous.withdraw(path, new)
    assert rendezvous.lookup(cwd, data, env) is None


def test_the_proof_needs_the_token():
    proof = rendezvous.prove("the token", "nonce-1")
    assert rendezvous.proven("the token", "nonce-1", proof)
    assert not rendezvous.proven("the token", "nonce-2", proof)
    assert not rendezvous.proven("another token", "nonce-1", proof)


def test_xdg_runtime_dir_is_used_when_it_is_this_users(place, tmp_path):
    cwd, data, env = place
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    path, _ = rendezvous.publish(cwd, data, {**env, "XDG_RUNTIME_DIR": str(runtime)}, "http://127.0.0.1:4321")
    assert path.parent == runtime / "opencode"


@pytest.mark.parametrize(
    ("body", "cls", "exit_code"),
    [
        ({"code": "provider.network", "message": "down"}, NetworkError, 4),
        ({"code": "usage.invalid_params", "message": "bad"}, UsageError, 2),
        ({"code": "usage.something_new", "message": "bad"}, UsageError, 2),
        ({"code": "permission.denied", "message": "no"}, PermissionDenied, 3),
        ({"code": "never.heard.of", "message": "?"}, Exception, 1),
    ],
)
def test_an_error_record_becomes_the_error_it_describes(body, cls, exit_code):
    error = from_dict(body)
    assert isinstance(error, cls) and error.exit_code == exit_code
    assert error.to_dict()["code"] == body["code"] and error.message == body["message"]
