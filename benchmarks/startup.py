"""Cold start of opencode commands beside ``python -c pass``, measured in one run.

Target (issue 2): ``opencode --help`` and ``opencode read small.py`` at most 4x
``python -c pass`` (median).

    python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import median_ms, opencode, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        (project / "small.py").write_text("def hello():\n    return 'world'\n")
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ("opencode --help", [*opencode(), "--help"], 4.0),
            ("opencode read small.py", [*opencode(), "read", "small.py"], 4.0),
            ("opencode tool list", [*opencode(), "tool", "list"], None),
        ]
        baseline = None
        rows = []
        for label, command, target in cases:
            ms = median_ms(command, cwd=project, runs=args.runs)
            baseline = baseline or ms
            ratio = ms / baseline
            verdict = "" if target is None else ("ok" if ratio <= target else "OVER")
            rows.append([label, f"{ms:.1f}", f"{ratio:.2f}x", f"<= {target:.0f}x {verdict}" if target else ""])
    print(table(["command", "median ms", "vs python", "target"], rows))


if __name__ == "__main__":
    main()
