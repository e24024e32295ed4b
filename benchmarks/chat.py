"""opencode chat on a real pseudo-terminal against the fake model server: how soon the
prompt takes input, how soon a streamed token is on screen, how soon Esc stops a turn.

The chat runs as a person runs it (the installed ``opencode chat`` on a pty); a thread
reads the pty and stamps every chunk of screen output with ``time.monotonic()``. The
fake server runs in this process, so its clock is the same one:

- prompt: from starting the process to the prompt (``build>``) being drawn;
- first token: the reply sends its opening frame ``FIRST_DELAY`` after the request
  arrives and its first token ``CHUNK_DELAY`` later; from then to the token on screen;
- Esc: the reply stalls after its first token; from writing Esc to the pty to
  ``(cancelled)`` on screen.

Targets (issue 11): prompt within 0.3 s, first token within 50 ms, Esc within 200 ms.

    python benchmarks/chat.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _timing import ENV, opencode, table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakellm.script import Reply
from fakellm.server import FakeLLM

FIRST_DELAY, CHUNK_DELAY = 0.5, 0.2
TARGETS_MS = {"prompt": 300, "first token": 50, "Esc": 200}


class Screen:
    """A process on a pty, and what it has written, chunk by chunk with the time."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        os.set_blocking(master, True)
        self.master, self.chunks, self.started = master, [], time.monotonic()
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if not ready:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.chunks.append((time.monotonic(), data))

    def when(self, text: str, timeout: float = 30) -> float:
        """The time ``text`` was first on screen (waits for it)."""
        wanted, deadline = text.encode(), time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = b""
            for stamp, data in list(self.chunks):
                seen += data
                if wanted in seen:
                    return stamp
            time.sleep(0.005)
        raise TimeoutError(f"{text!r} never on screen: {b''.join(d for _, d in self.chunks)[-600:]!r}")

    def type(self, text: str) -> float:
        stamp = time.monotonic()
        os.write(self.master, text.encode())
        return stamp

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self.master)


def project(root: Path, url: str) -> dict[str, str]:
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "opencode.toml").write_text(
        f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{url}/v1"\nmodel = "gpt-4o"\n[llm]\nidle_timeout = 30\n'
    )
    home = root.parent / "home"
    home.mkdir()
    return {**ENV, "HOME": str(home), "OPENCODE_DATA_DIR": str(root.parent / "data"), "OPENAI_API_KEY": "sk-bench",
            "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}


def one_run(server: FakeLLM, tmp: Path) -> dict[str, float]:
    env = project(tmp / "proj", server.url)
    server.script(Reply.text("TOKEN-ONE TOKEN-TWO", chunks=2).with_delay(CHUNK_DELAY, first=FIRST_DELAY), Reply.stall("STALLED-HERE and-then-more", after=1, seconds=20))
    screen = Screen([*opencode(), "chat"], tmp / "proj", env)
    try:
        prompt = screen.when("build>") - screen.started
        time.sleep(3)  # litellm loaded in the background: the turn measures the stream, not the import
        screen.type("first\r")
        seen = screen.when("TOKEN-ONE")
        request = server.chat_requests[0]
        first_token = seen - (request.time + FIRST_DELAY + CHUNK_DELAY)  # the server sends its role frame first
        screen.when("1 turn")
        screen.type("second\r")
        screen.when("STALLED-HERE")
        pressed = screen.type("\x1b")
        esc = screen.when("(cancelled)") - pressed
    finally:
        screen.close()
    return {"prompt": prompt * 1000, "first token": first_token * 1000, "Esc": esc * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[float]] = {name: [] for name in TARGETS_MS}
    with FakeLLM() as server:
        for _ in range(args.runs):
            server.clear()
            with tempfile.TemporaryDirectory() as tmp:
                for name, value in one_run(server, Path(tmp)).items():
                    results[name].append(value)
    rows = [
        [name, f"{statistics.median(values):.0f}", f"{max(values):.0f}", str(TARGETS_MS[name]), "yes" if max(values) <= TARGETS_MS[name] else "NO"]
        for name, values in results.items()
    ]
    print(table(["measure (ms)", "median", "max", "target", "met"], rows))


if __name__ == "__main__":
    main()
