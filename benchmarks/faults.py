"""How provider faults end: exit status, seconds and whether ``run`` printed ``done``.

Each fault is served by the fake model server (tests/fakellm) to a real ``opencode``
process, through litellm over loopback: ``run "hi" --json`` (a streamed call) and
``ask "hi"`` in a pipe (a non-streamed one). The project's config is
``[llm] idle_timeout = 2``, ``max_retries = 10``, ``retry_budget = 5``, so that the
500s run out of budget before they run out of retries.

Target (issue 9): every fault ends with exit 4 within idle_timeout + 10 s (12 s here),
and ``run`` always prints ``done``.

    python benchmarks/faults.py [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import ENV, opencode, table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakellm.script import Reply  # noqa: E402
from fakellm.server import FakeLLM  # noqa: E402

IDLE_S = 2
TARGET_S = IDLE_S + 10
HTML = "<html><head><title>Sign in</title></head><body>Please sign in.</body></html>"

FAULTS = {
    "stall before headers": lambda: [Reply.silent(seconds=60)],
    "stall mid-stream": lambda: [Reply.stall("partial answer", after=1, seconds=60, chunks=3)],
    "trickle (a byte / 0.2 s)": lambda: [Reply.text("a long answer, sent slowly " * 10, chunks=4).trickled(0.2)],
    "HTML 200": lambda: [Reply.raw(HTML, content_type="text/html")],
    "{} 200": lambda: [Reply.raw({})],
    "429, Retry-After: 3600": lambda: [Reply.error(429, headers={"Retry-After": "3600"})],
    "500 until the budget is spent": lambda: [Reply.error(500) for _ in range(30)],
    "connection refused": lambda: [],
}

COMMANDS = {"run": ["run", "hi", "--json"], "ask": ["ask", "hi", "--format", "json"]}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure(project: Path, url: str) -> None:
    (project / "opencode.toml").write_text(
        f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{url}/v1"\n'
        f"[llm]\nidle_timeout = {IDLE_S}\nmax_retries = 10\nretry_budget = 5\n"
    )


def one(server: FakeLLM, project: Path, env: dict, fault: str, command: str) -> list[str]:
    """The table row of one fault and command."""
    server.clear()
    server.script(*FAULTS[fault]())
    configure(project, f"http://127.0.0.1:{closed_port()}" if fault == "connection refused" else server.url)
    started = time.monotonic()
    proc = subprocess.run([*opencode(), *COMMANDS[command]], cwd=project, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - started
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    done = "yes" if records and records[-1]["type"] == "done" else ("no" if command == "run" else "-")
    errors = [r["error"] for r in records if r["type"] == "error"]
    ok = proc.returncode == 4 and seconds <= TARGET_S and done != "no"
    message = errors[-1]["message"] if errors else proc.stderr.strip()[-120:]
    return [fault, command, str(proc.returncode), f"{seconds:.1f}", done, str(len(server.chat_requests)), "ok" if ok else "MISSED", message[:110]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only the faults whose name contains this")
    args = parser.parse_args()
    rows = []
    with FakeLLM() as server, tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        env = {**ENV, "OPENAI_API_KEY": "sk-bench", "OPENCODE_DATA_DIR": str(Path(tmp) / "data"), "OPENCODE_CONFIG": str(Path(tmp) / "none.toml")}
        env = {k: v for k, v in env.items() if not k.startswith("OPENCODE_") or k in ("OPENCODE_DATA_DIR", "OPENCODE_CONFIG")}
        for fault in FAULTS:
            if args.only and args.only not in fault:
                continue
            for command in COMMANDS:
                rows.append(one(server, project, env, fault, command))
                print(f"  {rows[-1][0]} / {command}: exit {rows[-1][2]} in {rows[-1][3]} s", file=sys.stderr)
    print(table(["fault", "command", "exit", "seconds", "done", "requests", f"<= {TARGET_S} s, exit 4", "error"], rows))
    missed = [r for r in rows if r[6] != "ok"]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} within the target" + ("" if not missed else f"; missed: {', '.join(r[0] + '/' + r[1] for r in missed)}"))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    main()
