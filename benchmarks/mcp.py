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

    python benchmarks/mcp.py [--runs 5]
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


def timed(command: list[str], root: Path, env: dict[str, str], runs: int, before=None) -> float:
    times = []
    for _ in range(runs + 1):
        if before:
            before()
        start = time.perf_counter()
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=120)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-400:]}")
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    missing = [str(c) for c, _ in SERVERS.values() if not c.exists()]
    if missing:
        raise SystemExit(f"not installed: {', '.join(missing)}; run `bash .ci/mcp-peers`")
    oc = opencode()
    with FakeLLM() as llm, tempfile.TemporaryDirectory() as tmp:
        plain, plain_env = project(Path(tmp), "plain", llm.url, servers=False)
        three, three_env = project(Path(tmp), "three", llm.url, servers=True)
        answer = lambda: llm.script(Reply.text("ok"))  # noqa: E731
        rows, measured = [], {}
        for label, command in (("first agent turn", [*oc, "run", "hi", "--json"]), ("opencode read a.txt", [*oc, "read", "a.txt"]), ("opencode --help", [*oc, "--help"])):
            before = answer if "run" in command else None
            none = timed(command, plain, plain_env, args.runs, before)
            with_three = timed(command, three, three_env, args.runs, before)
            measured[label] = with_three - none
            rows.append([label, f"{none * 1000:.0f}", f"{with_three * 1000:.0f}", f"{(with_three - none) * 1000:+.0f}"])
    print(table(["command", "no servers (ms)", "3 stdio servers (ms)", "added (ms)"], rows))
    added = measured["first agent turn"]
    print(f"\nthree stdio servers add {added:.2f} s to the first turn (target < {TARGET_S} s): {'met' if added < TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
