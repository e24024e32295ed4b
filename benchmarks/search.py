"""``opencode grep`` and ``opencode glob`` beside raw ``rg`` on a generated tree.

Target (issue 2): ``opencode grep`` on the 20,000-file tree at most 1.5x raw ``rg``
with the same pattern.

    python benchmarks/search.py [--files N] [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from _timing import median_ms, opencode, table

from opencode.tools._rg import rg_binary


def generate(root: Path, files: int) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("*.log\n")
    for i in range(files):
        folder = root / f"pkg{i % 50}" / f"mod{i % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"import os  # file {i}", ""]
        for j in range(12):
            lines += [f"def function_{i}_{j}(x):", f"    return x * {j}  # TODO check {j}" if j % 5 == 0 else f"    return x + {j}", ""]
        suffix = ".py" if i % 4 else ".txt"
        (folder / f"file{i}{suffix}").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    rg = rg_binary()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.files)
        cases = [
            ("grep 'def ' (every file)", [rg, "--hidden", "--glob", "!.git", "-n", "--with-filename", "def "], [*opencode(), "grep", "def "]),
            ("grep TODO --include *.py", [rg, "--hidden", "--glob", "!.git", "-n", "--with-filename", "--glob", "*.py", "TODO"], [*opencode(), "grep", "TODO", "--include", "*.py"]),
            ("grep rare 'function_1234_'", [rg, "--hidden", "--glob", "!.git", "-n", "--with-filename", "function_1234_"], [*opencode(), "grep", "function_1234_"]),
            ("glob '**/*.py'", [rg, "--hidden", "--glob", "!.git", "--files", "--glob", "**/*.py"], [*opencode(), "glob", "**/*.py"]),
        ]
        rows = []
        for label, raw, ours in cases:
            raw_ms = median_ms(raw, cwd=root, runs=args.runs)
            our_ms = median_ms(ours, cwd=root, runs=args.runs)
            ratio = our_ms / raw_ms
            target = "<= 1.5x " + ("ok" if ratio <= 1.5 else "OVER") if label.startswith("grep") else ""
            rows.append([label, f"{raw_ms:.1f}", f"{our_ms:.1f}", f"{ratio:.2f}x", target])
    print(f"{args.files} files, rg {rg}")
    print(table(["case", "rg ms", "opencode ms", "ratio", "target"], rows))


if __name__ == "__main__":
    main()
