"""``opencode serve`` under load: N concurrent streamed chats against the fake model
server at no delay.

Prints, per round: chats that ended with a ``done`` record and no error, throughput
(chats per second), p50/p99 time from sending a request to its first SSE event, and
the server's resident memory after the round and at its peak (VmHWM), so growth
across rounds shows.

Targets (issue 12): 100 concurrent streams complete with no error; p99 time to first
event under 250 ms; no memory growth across repeated runs.

    python benchmarks/server.py [--chats 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from _timing import ENV, opencode, table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakellm.script import Reply  # noqa: E402
from fakellm.server import FakeLLM  # noqa: E402


def start_server(project: Path, env: dict) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([*opencode(), "serve", "--port", "0"], cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for _ in range(50):
        line = proc.stderr.readline()
        if "listening on" in line:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep the pipe drained
            return proc, line.split("listening on ")[1].split()[0]
        if not line:
            break
    proc.kill()
    raise SystemExit("the server did not start")


async def one_chat(client: httpx.AsyncClient, n: int) -> tuple[float, bool]:
    """(seconds to the first event, whether the turn ended well)."""
    start = time.perf_counter()
    first = None
    ok = False
    async with client.stream("POST", "/api/chat/stream", json={"message": f"chat {n}"}) as response:
        async for line in response.aiter_lines():
            if not line.startswith("data: "):
                continue
            if first is None:
                first = time.perf_counter() - start
            record = json.loads(line[6:])
            if record["type"] == "error":
                ok = False
                break
            if record["type"] == "done":
                ok = record["reason"] == "completed"
    return (first if first is not None else float("nan")), ok


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in kB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def round_(url: str, chats: int) -> tuple[float, list[float], int]:
    limits = httpx.Limits(max_connections=chats + 10, max_keepalive_connections=chats + 10)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        start = time.perf_counter()
        results = await asyncio.gather(*(one_chat(client, n) for n in range(chats)))
        elapsed = time.perf_counter() - start
    return elapsed, [first for first, _ in results], sum(ok for _, ok in results)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    words = " ".join(f"word{i}" for i in range(50))
    with FakeLLM(default=Reply.text(words, chunks=10)) as fake, tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "proj"
        project.mkdir()
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        (project / "opencode.toml").write_text(f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{fake.url}/v1"\nmodel = "gpt-4o"\n')
        env = {**ENV, "OPENAI_API_KEY": "sk-bench", "OPENCODE_DATA_DIR": str(Path(tmp) / "data"), "OPENCODE_CONFIG": str(Path(tmp) / "user.toml")}
        proc, url = start_server(project, env)
        try:
            asyncio.run(round_(url, 2))  # warm: litellm imported, first session written
            rows = []
            for number in range(1, args.rounds + 1):
                elapsed, firsts, ok = asyncio.run(round_(url, args.chats))
                rss, peak = memory_kb(proc.pid)
                rows.append([
                    str(number), f"{ok}/{args.chats}", f"{args.chats / elapsed:.1f}", f"{statistics.median(firsts) * 1000:.0f}",
                    f"{percentile(firsts, 99) * 1000:.0f}", f"{elapsed:.2f}", f"{rss / 1024:.0f}", f"{peak / 1024:.0f}",
                ])
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"{args.chats} concurrent streamed chats per round, fake model at no delay")
    print(table(["round", "ok", "chats/s", "p50 first event ms", "p99 first event ms", "round s", "RSS MB", "peak RSS MB"], rows))


if __name__ == "__main__":
    main()
