"""A session is written by one run at a time, across processes: two runs continuing
one session take turns, and neither turn is lost or torn."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fakellm.script import Reply
from helpers import opencode_command

HOLD = """
import sys, time
from pathlib import Path
from opencode.session.lock import SessionLock
lock = SessionLock(Path(sys.argv[1]), "abc")
lock.acquire_blocking()
print("held", flush=True)
sys.stdin.readline()
"""


def test_the_lock_excludes_another_process_until_it_lets_go(tmp_path: Path):
    from opencode.errors import Busy
    from opencode.session.lock import SessionLock

    path = tmp_path / "locks" / "abc.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy):
            SessionLock(path, "abc", wait=0.2).acquire_blocking()
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
        with SessionLock(path, "abc", wait=10):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_two_locks_in_one_process_exclude_each_other(tmp_path: Path):
    from opencode.errors import Busy
    from opencode.session.lock import SessionLock

    path = tmp_path / "abc.lock"
    with SessionLock(path, "abc"):
        with pytest.raises(Busy):
            SessionLock(path, "abc", wait=0.1).acquire_blocking()


def test_two_runs_on_one_session_both_keep_their_turn(llm_project: Path, env: dict, keys: dict, fake_llm):
    environment = {**env, **keys}
    fake_llm.script(Reply.text("the first answer"))
    first = subprocess.run([*opencode_command(), "run", "start", "--json"], cwd=llm_project, env=environment, capture_output=True, text=True, timeout=120)
    session_id = next(line for line in first.stdout.splitlines() if '"done"' in line).split('"session_id":"')[1].split('"')[0]
    # Each reply arrives slowly, so the two runs overlap: unlocked, each would write
    # back its own copy of the session and one of the turns would be lost.
    fake_llm.script(Reply.text("answer A").with_delay(0.2, first=1.5), Reply.text("answer B").with_delay(0.2, first=1.5))
    results: list[subprocess.CompletedProcess] = []

    def run(prompt: str) -> None:
        command = [*opencode_command(), "run", prompt, "--session", session_id, "--json"]
        results.append(subprocess.run(command, cwd=llm_project, env=environment, capture_output=True, text=True, timeout=120))

    threads = [threading.Thread(target=run, args=(prompt,)) for prompt in ("prompt A", "prompt B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    shown = subprocess.run([*opencode_command(), "session", "show", session_id, "--json"], cwd=llm_project, env=environment, capture_output=True, text=True, timeout=60)
    import json

    messages = json.loads(shown.stdout)["messages"]
    texts = [p["text"] for m in messages for p in m["parts"] if p["type"] == "text"]
    assert texts[:2] == ["start", "the first answer"]
    turns = [texts[2:4], texts[4:6]]
    assert len(texts) == 6, texts
    assert sorted(turn[0] for turn in turns) == ["prompt A", "prompt B"]
    assert all(turn[1] in ("answer A", "answer B") for turn in turns)  # each prompt followed by an answer, never interleaved
