"""``opencode mcp auth`` against an OAuth 2.1 server on loopback (the SDK's own auth
routes, ``servers/oauth_server.py``): registration, the code flow with PKCE, refresh,
logout. The test is the person: it opens the printed URL, which the server approves
at once and redirects to opencode's loopback listener."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from helpers import opencode_command
from peers import HERE, free_port, stop


@pytest.fixture
def guarded(tmp_path):
    port = free_port()
    log = open(tmp_path / "oauth-server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "servers" / "oauth_server.py"), str(port), "--ttl", "2"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/stats", timeout=1)
            break
        except httpx.HTTPError:
            assert proc.poll() is None, (tmp_path / "oauth-server.log").read_text()
            time.sleep(0.2)
    yield base
    stop(proc)


def stats(base: str) -> dict:
    return httpx.get(f"{base}/stats", timeout=5).json()


def sign_in(project: Path, env: dict) -> subprocess.CompletedProcess:
    """``mcp auth guarded``, with the test opening the URL it prints."""
    proc = subprocess.Popen(
        [*opencode_command(), "mcp", "auth", "guarded", "--json", "--timeout", "60"], cwd=project, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines = []
    for _ in range(20):
        line = proc.stderr.readline()
        lines.append(line)
        found = re.search(r"https?://\S+/authorize\?\S+", line)
        if found:
            landed = httpx.get(found.group(0), follow_redirects=True, timeout=30)
            assert landed.status_code == 200 and "signed in" in landed.text
            break
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, "".join(lines) + err)


def test_sign_in_call_refresh_logout(oc, project, env, guarded):
    (project / "opencode.toml").write_text(f'[mcp.servers.guarded]\nurl = "{guarded}/mcp"\n')
    before = oc("tool", "call", "guarded_whoami", "{}", "--json")
    assert before.code == 2 and "'guarded' did not start: it needs you to sign in: run opencode mcp auth guarded" in before.stderr
    listed = oc("mcp", "auth", "list", "--json")
    assert listed.record["authorized"] is False

    done = sign_in(project, env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["tools"] == 1
    counts = stats(guarded)
    assert counts["registered"] == 1 and counts["authorized"] == 1 and counts["exchanged"] == 1
    token_file = Path(env["OPENCODE_DATA_DIR"]) / "mcp" / "oauth.json"
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    stored = json.loads(token_file.read_text())["guarded"]
    assert stored["tokens"]["refresh_token"] and stored["client"]["client_id"]

    called = oc("tool", "call", "guarded_whoami", "{}", "--json")
    assert called.code == 0, called.stderr
    assert called.record["output"] == "authorized caller"
    time.sleep(3)  # the access token (2 s) has expired: the next run refreshes it first
    again = oc("tool", "call", "guarded_whoami", "{}", "--json")
    assert again.code == 0, again.stderr
    assert stats(guarded)["refreshed"] >= 1 and stats(guarded)["authorized"] == 1
    assert json.loads(token_file.read_text())["guarded"]["tokens"]["access_token"] != stored["tokens"]["access_token"]
    assert oc("mcp", "auth", "list", "--json").record["authorized"] is True

    out = oc("mcp", "auth", "logout", "guarded", "--json")
    assert out.code == 0, out.stderr
    assert "guarded" not in json.loads(token_file.read_text())
    assert oc("mcp", "auth", "list", "--json").record["authorized"] is False
    gone = oc("mcp", "auth", "logout", "guarded")
    assert gone.code == 2 and "no stored sign-in" in gone.stderr
