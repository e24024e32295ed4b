"""Driving a real terminal: opencode in a tmux pane, keys in, the screen out.

Each ``Pane`` has its own tmux server (``-L`` socket), so tests run side by side and
the finalizer kills exactly the server it started.
"""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from pathlib import Path


class Pane:
    def __init__(self, cwd: Path, env: dict[str, str], command: str, width: int = 120, height: int = 40) -> None:
        self.socket = f"oc-test-{uuid.uuid4().hex[:12]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # ``env -i`` so the pane sees exactly the test's environment; a pause at the
        # end keeps the pane (and its last screen) after the program exits.
        line = f"cd {shlex.quote(str(cwd))} && env -i {exports} sh -c {shlex.quote(command)}; echo \"[exit $?]\"; sleep 600"
        # tmux (3.2+) pushes a screen cleared from its top corner into the scrollback;
        # ordinary terminals do not, and prompt_toolkit erases its prompt that way
        # when chat starts at the top, so the option is off for captures to read true.
        self._tmux("new-session", "-d", "-x", str(width), "-y", str(height), line, ";", "set", "-g", "scroll-on-clear", "off")
        self.started = time.monotonic()

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def send(self, *keys: str) -> None:
        """tmux key names (``Enter``, ``Escape``, ``C-q``, ``Tab``)."""
        self._tmux("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        """Literal text, as typed."""
        self._tmux("send-keys", "-t", "0", "-l", text)

    def paste(self, text: str) -> None:
        """``text`` pasted, wrapped in bracketed-paste marks when the program asked for them."""
        self._tmux("set-buffer", "--", text)
        self._tmux("paste-buffer", "-p", "-d", "-t", "0")

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "0", "-S", "-200")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on screen after {timeout} s:\n{screen}")
            time.sleep(0.05)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)
