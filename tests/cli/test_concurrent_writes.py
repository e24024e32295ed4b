"""Several real ``opencode`` processes changing one file at once: no change is lost.

Each editor either lands its change (exit 0, the change is in the file) or fails
saying the file changed since it was read (exit 1, nothing of its own written). An
editor that exits 0 while its change is missing is the bug this guards against.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import opencode_command

#: A file big enough that reading, matching and writing it takes a while, so the
#: editors' read-modify-write windows overlap.
LINES = 40_000
EDITORS = 3
ROUNDS = 8


def numbered_file(path: Path) -> None:
    path.write_text("".join(f"line_{i} = 0\n" for i in range(LINES)))


def spawn(args: list[str], project: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [*opencode_command(), *args], cwd=project, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    results = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        results.append((proc.returncode, err.decode()))
    return results


def check(results: list[tuple[int, str]], landed: list[bool]) -> int:
    """Assert every editor landed or failed cleanly; returns how many landed."""
    for number, ((code, stderr), done) in enumerate(zip(results, landed)):
        if code == 0:
            assert done, f"editor {number} exited 0 but its change is gone"
        else:
            assert code == 1 and "changed since it was read" in stderr, stderr
            assert not done
    return sum(landed)


def test_concurrent_edits_of_one_file_never_lose_a_change(project: Path, env: dict):
    target = project / "big.py"
    landed_total = 0
    for _ in range(ROUNDS):
        numbered_file(target)
        lines = [f"line_{k * 9000} = " for k in range(EDITORS)]
        procs = [spawn(["edit", "big.py", "--old-string", f"{line}0\n", "--new-string", f"{line}1\n"], project, env) for line in lines]
        results = finish(procs)
        text = target.read_text()
        landed_total += check(results, [f"{line}1\n" in text for line in lines])
        assert text.count("\n") == LINES
    assert landed_total > 0


def test_concurrent_edit_multiedit_and_apply_patch_never_lose_a_change(project: Path, env: dict):
    target = project / "big.py"
    for _ in range(ROUNDS // 2):
        numbered_file(target)
        edit = ["edit", "big.py", "--old-string", "line_100 = 0\n", "--new-string", "line_100 = 1\n"]
        multi = ["multiedit", "big.py", "--edits", json.dumps([{"old_string": "line_20000 = 0\n", "new_string": "line_20000 = 1\n"}])]
        patch = "*** Begin Patch\n*** Update File: big.py\n@@\n line_30000 = 0\n-line_30001 = 0\n+line_30001 = 1\n line_30002 = 0\n*** End Patch\n"
        procs = [spawn(edit, project, env), spawn(multi, project, env), spawn(["tool", "call", "apply_patch", json.dumps({"patch": patch})], project, env)]
        results = finish(procs)
        text = target.read_text()
        check(results, ["line_100 = 1\n" in text, "line_20000 = 1\n" in text, "line_30001 = 1\n" in text])


def test_concurrent_writes_leave_one_whole_file(project: Path, env: dict):
    target = project / "out.txt"
    contents = [f"{k}\n".encode() * 200_000 for k in range(EDITORS)]
    for _ in range(ROUNDS // 2):
        procs = [subprocess.Popen(
            [*opencode_command(), "write", "out.txt"], cwd=project, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        ) for _ in contents]
        for proc, data in zip(procs, contents):
            proc.stdin.write(data)
            proc.stdin.close()
        for proc in procs:
            proc.wait(timeout=120)
            assert proc.returncode == 0, proc.stderr.read().decode()
            proc.stderr.close()
        assert target.read_bytes() in contents
    assert not [p.name for p in project.iterdir() if p.name.endswith(".tmp")]
