"""How long edit and apply_patch take on big files, fuzzy and pathological requests included.

Run: ``python benchmarks/edit.py [--runs N]``. Each case calls the tool the way every
face does (``tools.execute``: schema check, matching, atomic write with fsync) in
a temporary project, rewriting the file before each run. The table shows the outcome
(the strategy that matched, or why the edit was refused) and the median and worst
times. The target: every case on a 5,000-line file finishes in under a second, and
every request that must be refused is refused. The script exits 1 if either fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from opencode.errors import OpencodeError
from opencode.paths import PathPolicy
from opencode.tools import builtin_spec
from opencode.tools import Registry
from opencode.tools.base import ToolContext
from opencode.tools.execute import execute_blocking


def call_tool_blocking(spec, params, ctx):
    """The call every face makes (``tools.execute``), its error raised."""
    outcome = execute_blocking(Registry(), spec.name, params, ctx)
    outcome.raise_error()
    return outcome.result

TARGET_SECONDS = 1.0


def function(i: int) -> str:
    return (
        f"def handler_{i}(request, context):\n"
        f"    value = request.get('field_{i}')\n"
        f"    if value is None:\n"
        f"        raise ValueError('missing field_{i}')\n"
        f"    total = compute(value, {i})\n"
        f"    return total\n"
        "\n"
    )


def code_file(lines: int) -> str:
    """Realistic code: distinct functions of 7 lines each."""
    return "".join(function(i) for i in range(lines // 7 + 1))


def repeated_blocks(lines: int) -> str:
    """The same 5-line block over and over: every request is ambiguous."""
    block = "try:\n    run()\nexcept Error:\n    retry()\n\n"
    return block * (lines // 5)


def braces(lines: int) -> str:
    """A pathological file: every line is the same closing brace."""
    return "}\n" * lines


def fuzzy_old(i: int) -> str:
    """Handler i as a model might quote it: indentation lost, a line misremembered."""
    return (
        f"def handler_{i}(request, context):\n"
        f"value = request.get('field_{i}')\n"
        f"if value is None:\n"
        f"    raise ValueError('missing field_{i}')\n"
        f"total = compute(value, {i})\n"
        f"return total"
    )


CASES = [
    # (name, file text, tool, params, expected outcome: strategy or error substring)
    ("exact edit, 5,000 lines", code_file(5000), "edit",
     {"old_string": "    total = compute(value, 600)\n", "new_string": "    total = compute(value, 601)\n"}, "exact"),
    ("fuzzy: indentation lost, 5,000 lines", code_file(5000), "edit",
     {"old_string": fuzzy_old(650), "new_string": "def handler_650(request, context):\nreturn None"}, "line-trimmed"),
    ("fuzzy: middle line wrong, 5,000 lines", code_file(5000), "edit",
     {"old_string": function(700).replace("compute(value, 700)", "compute(value, 70)").rstrip("\n"),
      "new_string": "def handler_700(request, context):\n    return None"}, "block-anchor"),
    ("fuzzy: whitespace runs, 5,000 lines", code_file(5000), "edit",
     {"old_string": "total  =  compute(value,   123)", "new_string": "total = 0"}, "whitespace-normalized"),
    ("ambiguous exact, 2,000 lines of repeats", repeated_blocks(2000), "edit",
     {"old_string": "    run()\n", "new_string": "    go()\n"}, "found multiple matches"),
    ("ambiguous fuzzy, 2,000 lines of repeats", repeated_blocks(2000), "edit",
     {"old_string": "try:\nrun()\nexcept Error:\nretry()", "new_string": "x"}, "found multiple matches"),
    ("fuzzy miss, 5,000 lines of code", code_file(5000), "edit",
     {"old_string": fuzzy_old(9999).replace("total", "result"), "new_string": "x"}, "old_string not found"),
    ("worst-case miss, 5,000 identical lines", braces(5000), "edit",
     {"old_string": "}\n" + "    cleanup()\n" * 40 + "}\n", "new_string": "x"}, "gave up"),
    ("worst-case miss, 5,000 lines, 1,000-line request", braces(5000), "edit",
     {"old_string": "}\n" * 500 + "x\n" + "}\n" * 500, "new_string": "y"}, "gave up"),
    ("apply_patch, 3 hunks, 5,000 lines", code_file(5000), "apply_patch",
     {"patch": "*** Begin Patch\n*** Update File: {path}\n"
      "@@ def handler_100(request, context):\n-    return total\n+    return total + 1\n"
      "@@ def handler_400(request, context):\n-    return total\n+    return total + 4\n"
      "@@ def handler_700(request, context):\n-    return total\n+    return total + 7\n"
      "*** End Patch\n"}, "updated"),
]


def run_case(root: Path, text: str, tool: str, params: dict, runs: int) -> tuple[str, list[float]]:
    path = root / "big.py"
    ctx = ToolContext(PathPolicy(root=root, cwd=root), data_dir=root / ".data")
    spec = builtin_spec(tool)
    if tool == "apply_patch":
        params = {"patch": params["patch"].replace("{path}", path.name)}
    else:
        params = {"path": path.name, **params}
    times, outcome = [], ""
    for _ in range(runs):
        path.write_text(text)
        start = time.perf_counter()
        try:
            result = call_tool_blocking(spec, params, ctx)
            outcome = result.metadata.get("strategy") or result.metadata["files"][0]["action"]
        except OpencodeError as error:
            reason = error.message.split(": ", 1)[-1].split(";")[0].split(" (")[0]
            outcome = f"refused: {reason}"
        times.append(time.perf_counter() - start)
    return outcome, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5)")
    runs = parser.parse_args().runs
    rows, failures = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, tool, params, expected in CASES:
            outcome, times = run_case(Path(tmp), text, tool, params, runs)
            ok = expected in outcome and max(times) < TARGET_SECONDS
            failures += not ok
            rows.append((name, text.count("\n"), outcome, statistics.median(times), max(times), "ok" if ok else "FAIL"))
    widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
    header = f"{'case':<{widths[0]}}  {'lines':>5}  {'outcome':<{widths[2]}}  {'median':>8}  {'worst':>8}  check"
    print(header)
    print("-" * len(header))
    for name, lines, outcome, median, worst, check in rows:
        print(f"{name:<{widths[0]}}  {lines:>5}  {outcome:<{widths[2]}}  {median * 1000:>6.1f}ms  {worst * 1000:>6.1f}ms  {check}")
    print(f"\n{runs} runs per case; target: every case under {TARGET_SECONDS:.0f} s and the expected outcome")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
