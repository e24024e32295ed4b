"""A server in the background: ``opencode serve --daemon`` / ``--stop`` / ``--idle``,
and ``[server] keep_warm`` starting one for the next commands."""

from __future__ import annotations

import os
import time
from pathlib import Path

from fakellm.script import Reply
from opencode import rendezvous
from opencode.config.dirs import data_dir

ATTACHED = "attached to the opencode server"


def entry(project: Path, env: dict[str, str]):
    return rendezvous.lookup(project, data_dir(env), env)


def wait(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "it never happened"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return "zombie" not in Path(f"/proc/{pid}/status").read_text(errors="replace") if Path(f"/proc/{pid}").exists() else False


def test_a_daemon_serves_until_stopped(cli, fake_llm, llm_project, serve_env):
    started = cli("serve", "--daemon")
    assert started.code == 0, started.stderr
    found = entry(llm_project, serve_env)
    try:
        assert started.stdout.strip() == found.url
        fake_llm.script(Reply.text("From the daemon."))
        asked = cli("-v", "ask", "hi")
        assert asked.code == 0 and ATTACHED in asked.stderr and "From the daemon." in asked.stdout
        again = cli("serve", "--daemon")
        assert again.code == 2 and "already serves here" in again.stderr
    finally:
        stopped = cli("serve", "--stop")
    assert stopped.code == 0 and found.url in stopped.stdout
    assert entry(llm_project, serve_env) is None
    wait(lambda: not alive(found.pid), 30)
    none = cli("serve", "--stop")
    assert none.code == 2 and "no opencode server of yours" in none.stderr


def test_an_idle_daemon_ends_itself(cli, llm_project, serve_env):
    started = cli("serve", "--daemon", "--idle", "2s")
    assert started.code == 0, started.stderr
    pid = entry(llm_project, serve_env).pid
    wait(lambda: entry(llm_project, serve_env) is None and not alive(pid))


def test_keep_warm_starts_a_server_for_the_next_command(cli, fake_llm, llm_project, serve_env):
    config = llm_project / "opencode.toml"
    config.write_text(config.read_text() + '[server]\nkeep_warm = "30s"\n')
    fake_llm.script(Reply.text("first, here"), Reply.text("second, there"))
    first = cli("-v", "ask", "one")
    assert first.code == 0 and ATTACHED not in first.stderr and "started a warm opencode server" in first.stderr
    wait(lambda: entry(llm_project, serve_env) is not None)
    try:
        second = cli("-v", "ask", "two")
        assert second.code == 0 and ATTACHED in second.stderr and "second, there" in second.stdout
    finally:
        assert cli("serve", "--stop").code == 0


def test_durations_and_options_are_checked(cli):
    bad = cli("serve", "--idle", "soon")
    assert bad.code == 2 and "not a duration" in bad.stderr
    mixed = cli("serve", "--stop", "--daemon")
    assert mixed.code == 2
