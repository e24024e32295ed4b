"""Shared helpers for the benchmark scripts: timing commands and printing tables."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def opencode() -> list[str]:
    beside = Path(sys.executable).with_name("opencode")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "opencode"]


#: As installed by pip: bytecode caches are written and used (PYTHONDONTWRITEBYTECODE
#: would make every run compile every module and measure the compiler instead).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_ms(command: list[str], *, cwd: Path, runs: int = 20, warmup: int = 2) -> float:
    """Median wall time of ``command`` in milliseconds.

    Output is read through a pipe, as a script would read it. (Not /dev/null: ripgrep
    notices /dev/null and stops at the first match, which would time nothing real.)
    """
    quiet = dict(cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    for _ in range(warmup):
        subprocess.run(command, **quiet)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, **quiet)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])
