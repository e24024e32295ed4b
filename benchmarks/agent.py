"""The agent loop's own cost: a 50-turn tool-call run against the fake model server.

Each turn the scripted model asks for one cheap tool call (``read`` of a small file,
or ``glob``, with a different input every turn so the doom-loop guard stays quiet);
then it answers with text. The server answers at once. The loop runs in this process,
built exactly as ``opencode run`` builds it (``AgentTask``), session saves and all.

The server's own share is measured by sending the very same request bodies straight
to it with httpx (a stream read to the end, like the loop does) and timing those.
What is left per turn is the loop's overhead: litellm, building the transcript,
permission checks, running the tool, saving the session, making records.

Memory is sampled (tracemalloc, in a second run so the timing run is not slowed by
it) after turns 10, 25 and 50, next to the size of the history itself.

Target (issue 5): overhead at most 30 ms per tool-call turn beyond the server's time,
and memory that grows only with the history.

    python benchmarks/agent.py [--turns 50] [--runs 3] [--lines 20] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _timing import table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakellm.script import Reply
from fakellm.server import FakeLLM

TARGET_MS = 30.0
SAMPLES = (10, 25, 50)


def script(turns: int) -> list[Reply]:
    """``turns`` tool-call replies (read and glob in turn, never the same input), then text."""
    replies = []
    for i in range(turns):
        call = Reply.tool_call("read", {"path": f"f{i}.txt"}) if i % 2 == 0 else Reply.tool_call("glob", {"pattern": f"f{i}*.txt"})
        replies.append(call.with_usage(100 + 50 * i, 20))
    return [*replies, Reply.text("All files read.").with_usage(100 + 50 * turns, 5)]


def make_project(root: Path, url: str, turns: int, lines: int = 20) -> dict[str, str]:
    """A git project with ``turns`` small files and a config pointing at the server;
    returns the environment for a run in it."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "opencode.toml").write_text(f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{url}/v1"\nmodel = "gpt-4o"\n')
    for i in range(turns):
        (root / f"f{i}.txt").write_text("".join(f"line {n} of file {i}\n" for n in range(lines)))
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(root / ".home"), OPENAI_API_KEY="sk-bench", OPENCODE_DATA_DIR=str(root / ".data"),
        OPENCODE_CONFIG=str(root / ".home" / "none.toml"),
    )
    return env


def make_task(project: Path, env: dict[str, str]):
    """The task ``opencode run --yes`` would run, through the application layer."""
    from opencode.app.run import AgentTask, TaskOptions
    from opencode.app.workspace import Workspace

    return AgentTask(Workspace(project, env), "Read every file, one tool call per turn.", TaskOptions(yes=True))


async def drive(task, on_step=None) -> list[tuple[int, float]]:
    """Run the task; returns (step, perf_counter time) at each step_finish."""
    marks = []
    async for record in task.records():
        if record["type"] == "step_finish":
            marks.append((record["step"], time.perf_counter()))
            if on_step is not None:
                on_step(record["step"], task.loop)
        elif record["type"] == "done":
            assert record["reason"] == "completed", record
    return marks


def timed_run(server: FakeLLM, project: Path, env: dict[str, str], turns: int, profile: str | None) -> tuple[list[float], list[bytes]]:
    """(seconds of each tool-call turn, the request bodies the loop sent for them)."""
    server.clear()
    server.script(*script(turns))
    task = make_task(project, env)
    start = time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        marks = profiler.runcall(asyncio.run, drive(task))
        profiler.dump_stats(profile)
    else:
        marks = asyncio.run(drive(task))
    ends = [start] + [at for _, at in marks[:turns]]
    return [b - a for a, b in itertools.pairwise(ends)], [r.raw for r in server.chat_requests[:turns]]


def server_times(server: FakeLLM, bodies: list[bytes], turns: int) -> list[float]:
    """Seconds the server itself needs for each of the same requests, read with httpx."""
    import httpx

    headers = {"Content-Type": "application/json", "Authorization": "Bearer sk-bench"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        server.clear()
        server.script(*script(turns))
        client.post("/v1/chat/completions", content=bodies[0]).read()  # connect once, as litellm keeps its pool
        server.clear()
        server.script(*script(turns))
        times = []
        for body in bodies:
            start = time.perf_counter()
            with client.stream("POST", "/v1/chat/completions", content=body) as response:
                for _ in response.iter_bytes():
                    pass
            times.append(time.perf_counter() - start)
        return times


def rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_run(server: FakeLLM, project: Path, env: dict[str, str], turns: int) -> list[list[str]]:
    """Traced memory after the sampled turns, next to the history's own size.

    The fake server lives in this process and logs every request it gets (each one a
    copy of the whole conversation); that log is emptied after every turn so that only
    the loop's memory is counted.
    """
    replies = script(turns)
    server.clear()
    server.script(*replies)
    task = make_task(project, env)
    rows: list[list[str]] = []
    baseline: list[float] = []

    def sample(step: int, loop) -> None:
        server.clear()
        server.script(*replies[step:])
        if step not in SAMPLES and step != 1:
            return
        gc.collect()
        current = tracemalloc.get_traced_memory()[0] / 2**20
        history = len(json.dumps(loop.session.messages)) / 2**20
        if step == 1:
            baseline[:] = [current, history]
            return
        rows.append([str(step), f"{current:.2f}", f"{current - baseline[0]:.2f}", f"{history:.3f}", f"{rss_mb():.0f}"])

    tracemalloc.start()
    try:
        asyncio.run(drive(task, sample))
    finally:
        tracemalloc.stop()
    return rows


def segments(turns: int) -> list[tuple[int, int]]:
    """Turn ranges to report (1-based, inclusive): early, middle, late, then all."""
    cuts = sorted({0, min(10, turns), min(max(turns // 2, 10), turns), turns})
    return [(a + 1, b) for a, b in itertools.pairwise(cuts) if b > a] + [(1, turns)]


def timing_rows(loops: list[list[float]], servers: list[list[float]], turns: int) -> list[list[str]]:
    """One row per range of turns: the median over runs of the loop's and the server's time."""
    rows = []
    for first, last in segments(turns):
        n = last - first + 1
        loop_ms = statistics.median(sum(run[first - 1 : last]) for run in loops) * 1000
        server_ms = statistics.median(sum(run[first - 1 : last]) for run in servers) * 1000
        overhead = (loop_ms - server_ms) / n
        whole = (first, last) == (1, turns)
        target = f"<= {TARGET_MS:.0f} {'ok' if overhead <= TARGET_MS else 'OVER'}" if whole else ""
        label = f"{n} (all)" if whole else f"{first}-{last}"
        rows.append([label, f"{loop_ms:.0f}", f"{loop_ms / n:.1f}", f"{server_ms / n:.1f}", f"{overhead:.1f}", target])
    return rows


def main() -> None:
    from opencode.llm.environment import LITELLM_ENVIRONMENT

    for name, value in LITELLM_ENVIRONMENT.items():  # as the opencode command sets them
        os.environ.setdefault(name, value)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median is shown)")
    parser.add_argument("--lines", type=int, default=20, help="lines in each file read (the history grows by that much a read)")
    parser.add_argument("--profile", metavar="FILE", help="also write a cProfile of one run to FILE")
    args = parser.parse_args()
    turns = args.turns
    with FakeLLM() as server, tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "proj"
        project.mkdir()
        env = make_project(project, server.url, turns, args.lines)
        timed_run(server, project, env, 3, None)  # warm-up: imports, litellm's first call
        loops, servers = [], []
        for _ in range(args.runs):
            per_turn, bodies = timed_run(server, project, env, turns, None)
            loops.append(per_turn)
            servers.append(server_times(server, bodies, turns))
        if args.profile:
            timed_run(server, project, env, turns, args.profile)
        memory = memory_run(server, project, env, turns)
    print(f"{turns} tool-call turns ({args.lines}-line files), median of {args.runs} runs, zero server latency")
    print(table(["turns", "total ms", "ms / turn", "server ms / turn", "loop overhead ms / turn", "target"], timing_rows(loops, servers, turns)))
    print()
    print("memory (tracemalloc, separate run; growth is since turn 1)")
    print(table(["after turn", "traced MB", "growth MB", "history JSON MB", "RSS MB"], memory))


if __name__ == "__main__":
    main()
