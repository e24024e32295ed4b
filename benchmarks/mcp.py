"""What MCP servers cost: the first agent turn with three stdio servers, and the
commands that must not notice them.

A one-turn ``opencode run`` (the fake model server answers with text at once) is timed
in a project with no MCP servers and in one with three stdio servers configured
(``mcp-server-time``, ``mcp-server-git``, ``@modelcontextprotocol/server-filesystem``,
installed by ``.ci/mcp-peers``): the servers start in parallel when the run first
lists its tools, so the difference is what they add to the first turn. ``opencode
read`` and ``opencode --help`` are timed in both projects too: they start no server
and import no MCP code, so they should not differ.

Targets (issue 13): three servers add under 1.5 s to the first turn; ``read`` and
``--help`` stay as fast as without servers.

    python benchmarks/mcp.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import opencode, table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakellm.script import Reply  # noqa: E402
from fakellm.server import FakeLLM  # noqa: E402

TARGET_S = 1.5
PEERS = ROOT / ".peers"
SERVERS = {
    "time": (PEERS / "py/bin/mcp-server-time", ["--local-timezone", "UTC"]),
    "git": (PEERS / "py/bin/mcp-server-git", ["--repository", "{root}"]),
    "fs": (PEERS / "node/node_modules/.bin/mcp-server-filesystem", ["{root}"]),
}


def project(base: Path, name: str, url: str, servers: bool) -> tuple[Path, dict[str, str]]:
    root = base / name
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    config = f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{url}/v1"\nmodel = "gpt-4o"\n'
    if servers:
        for server, (command, args) in SERVERS.items():
            listed = ", ".join(f'"{a.format(root=root)}"' for a in args)
            config += f'[mcp.servers.{server}]\ncommand = "{command}"\nargs = [{listed}]\n'
    (root / "opencode.toml").write_text(config)
    (root / "a.txt").write_text("hello\n")
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
    env.update(HOME=str(root / ".home"), OPENAI_API_KEY="sk-bench", OPENCODE_DATA_DIR=str(root / ".data"), OPENCODE_CONFIG=str(root / ".home/none.toml"))
    return root, env


def timed(command: list[str], root: Path, env: dict[str, str], runs: int, llm: FakeLLM | None = None) -> tuple[float, float]:
    """Median seconds of the whole command, and (with ``llm``) until its first model
    request arrived: the first turn's set-up, tools listed (servers started) included."""
    totals, firsts = [], []
    for _ in range(runs + 1):
        if llm is not None:
            llm.clear()
            llm.script(Reply.text("ok"))
        start = time.monotonic()
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=120)
        totals.append(time.monotonic() - start)
        if llm is not None:
            firsts.append(llm.requests[0].time - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-400:]}")
    return statistics.median(totals[1:]), statistics.median(firsts[1:]) if firsts else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    missing = [str(c) for c, _ in SERVERS.values() if not c.exists()]
    if missing:
        raise SystemExit(f"not installed: {', '.join(missing)}; run `bash .ci/mcp-peers`")
    oc = opencode()
    with FakeLLM() as llm, tempfile.TemporaryDirectory() as tmp:
        plain, plain_env = project(Path(tmp), "plain", llm.url, servers=False)
        three, three_env = project(Path(tmp), "three", llm.url, servers=True)
        rows = []
        run = [*oc, "run", "hi", "--json"]
        pairs = [(timed(run, plain, plain_env, 1, llm), timed(run, three, three_env, 1, llm)) for _ in range(args.runs)]  # interleaved: load drifts
        none_total, none_first = (statistics.median(p[0][i] for p in pairs) for i in (0, 1))
        three_total, three_first = (statistics.median(p[1][i] for p in pairs) for i in (0, 1))
        added = three_first - none_first
        rows.append(["run: start to first model request", f"{none_first * 1000:.0f}", f"{three_first * 1000:.0f}", f"{added * 1000:+.0f}"])
        rows.append(["run: whole command (servers stopped)", f"{none_total * 1000:.0f}", f"{three_total * 1000:.0f}", f"{(three_total - none_total) * 1000:+.0f}"])
        for label, command in (("opencode read a.txt", [*oc, "read", "a.txt"]), ("opencode --help", [*oc, "--help"])):
            none, _ = timed(command, plain, plain_env, args.runs)
            with_three, _ = timed(command, three, three_env, args.runs)
            rows.append([label, f"{none * 1000:.0f}", f"{with_three * 1000:.0f}", f"{(with_three - none) * 1000:+.0f}"])
    print(table(["command", "no servers (ms)", "3 stdio servers (ms)", "added (ms)"], rows))
    print(f"\nthree stdio servers add {added:.2f} s to the first turn (target < {TARGET_S} s): {'met' if added < TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
