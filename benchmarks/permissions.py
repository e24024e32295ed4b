"""What judging a shell command costs: parsing it (tree-sitter) and deciding it.

Each command goes through ``Permissions.decide`` the way an agent run's bash calls do
(a config with allow and deny patterns, a path policy, the protected paths). The first
call of a process also loads the bash grammar; that one-off cost is shown apart.

Target (issue 9): parsing adds under 5 ms per command.

    python benchmarks/permissions.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from _timing import table

COMMANDS = [
    "ls",
    "git status && make test 2>&1 | tee build.log",
    "python3 -c 'import util; print(1); print(2)'",
    "for f in src/*.py; do python3 -m py_compile \"$f\" || exit 1; done",
    "find . -name '*.pyc' -exec rm {} +",
    "cat <<EOF > notes.md\n$(git log --oneline -5)\nEOF",
    "env FOO=1 timeout 30 nice -n 5 pytest -x -q tests/ > /dev/null",
    "bash -c 'cd src && rg TODO | head -20'",
]
TARGET_MS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    from opencode.agent.agents import builtin_agents
    from opencode.agent.permissions import Permissions
    from opencode.paths import PathPolicy
    from opencode.tools import builtin_spec

    bash = builtin_spec("bash")
    config = {"bash_allow": ["git *", "ls", "make *", "tee *"], "bash": {"rm *": "deny", "python3 *": "allow"}}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        permissions = Permissions(config, builtin_agents()["build"], paths=PathPolicy(root, root), writers=["write", "edit"])

        def decide(command: str) -> float:
            start = time.perf_counter()
            asyncio.run(permissions.decide(bash, {"command": command}))
            return (time.perf_counter() - start) * 1000

        first = decide(COMMANDS[0])
        rows = []
        for command in COMMANDS:
            times = [decide(command) for _ in range(args.runs)]
            median = statistics.median(times)
            shown = command.replace("\n", "\\n")
            rows.append([shown[:60], f"{median:.3f}", f"{max(times):.3f}", "ok" if median <= TARGET_MS else "OVER"])
    print(f"Permissions.decide on bash commands, median of {args.runs} (asyncio.run of each decide included)")
    print(table(["command", "median ms", "worst ms", f"<= {TARGET_MS:g} ms"], rows))
    print(f"\nfirst call of the process (loads the bash grammar): {first:.1f} ms")


if __name__ == "__main__":
    main()
