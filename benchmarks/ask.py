"""``opencode ask`` against the fake model server: end-to-end time and first token.

Prints wall times of ``python -c "import litellm"``, ``curl`` streaming the same
500-token answer from the fake server, and ``opencode ask --stream`` (cold), plus the
delay between the server receiving the request and opencode printing the first token.

Then the same ask attached to a running ``opencode serve`` (warm attach), with a
200-line file attached, and what looking for a server costs when there is none.

Targets (issue 4): ask at most 0.5 s more than import + curl; the first token printed
within 100 ms of the server sending it. (Issue 12): the attached ask under 0.15 s;
finding no server under 5 ms.

    python benchmarks/ask.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import ENV, opencode, table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakellm.script import Reply  # noqa: E402
from fakellm.server import FakeLLM  # noqa: E402

ANSWER_TOKENS = 500


def answer() -> Reply:
    return Reply.text(" ".join(f"word{i}" for i in range(ANSWER_TOKENS)), chunks=ANSWER_TOKENS).with_usage(50, ANSWER_TOKENS)


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False, **kwargs)
    return time.perf_counter() - start


def ask_once(server: FakeLLM, project: Path, env: dict, *extra: str, stream: str = "--stream") -> tuple[float, float]:
    """(wall seconds, seconds from the request reaching the server to the first token on stdout)."""
    server.script(answer())
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*opencode(), "ask", "count", stream, "--format", "text", *extra],
        cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    first = proc.stdout.read(1)
    printed_at = time.monotonic()
    proc.stdout.read()
    proc.wait()
    wall = time.perf_counter() - start
    received_at = server.chat_requests[-1].time
    return wall, (printed_at - received_at) if first else float("nan")


def attached_asks(server: FakeLLM, project: Path, env: dict, runs: int) -> tuple[list[float], list[float]]:
    """Wall times of the ask sent to a warm ``opencode serve`` in the same project:
    as a pipe asks (the answer whole), and streamed."""
    (project / "two_hundred.py").write_text("".join(f"line_{i} = {i}  # a line of the file\n" for i in range(200)))
    serve = subprocess.Popen([*opencode(), "serve", "--port", "0"], cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert serve.stderr is not None
        line = serve.stderr.readline()
        assert "listening on" in line, line
        ask_once(server, project, env, "-f", "two_hundred.py")  # the server's first ask imports litellm
        whole = [ask_once(server, project, env, "-f", "two_hundred.py", stream="--no-stream")[0] for _ in range(runs)]
        return whole, [ask_once(server, project, env, "-f", "two_hundred.py")[0] for _ in range(runs)]
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def no_server_ms(project: Path, env: dict) -> float:
    """Milliseconds ``ask`` spends looking for a server when none runs (in-process)."""
    from opencode.config.dirs import data_dir
    from opencode.rendezvous import lookup

    start = time.perf_counter()
    for _ in range(100):
        assert lookup(project / "elsewhere", data_dir(env), env) is None
    return (time.perf_counter() - start) * 1000 / 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with FakeLLM() as server, tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        (project / "opencode.toml").write_text(f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{server.url}/v1"\n')
        env = {**ENV, "OPENAI_API_KEY": "sk-bench", "OPENCODE_DATA_DIR": str(project / ".data"), "OPENCODE_CONFIG": str(project / "none.toml")}
        body = json.dumps({"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "count"}]})
        curl = ["curl", "-sN", "-H", "Content-Type: application/json", "-H", "Authorization: Bearer x", "-d", body, f"{server.url}/v1/chat/completions"]
        imports, curls, asks, firsts = [], [], [], []
        for _ in range(args.runs):
            imports.append(timed([sys.executable, "-c", "import litellm"], env=ENV))
            server.script(answer())
            curls.append(timed(curl))
            wall, first = ask_once(server, project, env)
            asks.append(wall)
            firsts.append(first)
        attached, attached_streamed = attached_asks(server, project, env, args.runs)
    med = statistics.median
    budget = med(imports) + med(curls) + 0.5
    rows = [
        ["python -c 'import litellm'", f"{med(imports) * 1000:.0f}", ""],
        ["curl (500-token stream)", f"{med(curls) * 1000:.0f}", ""],
        ["opencode ask --stream (cold)", f"{med(asks) * 1000:.0f}", f"<= {budget * 1000:.0f} {'ok' if med(asks) <= budget else 'OVER'}"],
        ["first token printed after request", f"{med(firsts) * 1000:.0f}", "(server sends at once)"],
        ["opencode ask -f 200-line file, attached (pipe: whole answer)", f"{med(attached) * 1000:.0f}", f"< 150 {'ok' if med(attached) < 0.15 else 'OVER'}"],
        ["the same, --stream (500 pieces through litellm)", f"{med(attached_streamed) * 1000:.0f}", ""],
        ["finding no server (rendezvous.lookup)", f"{no_server_ms(project, env):.3f}", "< 5"],
    ]
    print(table(["measure", "median ms", "target"], rows))


if __name__ == "__main__":
    main()
