"""Completion in the input box: ``/commands``, ``@agent`` names and ``@file`` paths.

Files are the project's (git's list when it is a repository, else a bounded walk),
listed once per chat: completion runs on every key, a walk of a big tree must not.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable

MAX_FILES = 20000
SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"}


def project_files(root: Path) -> list[str]:
    """The project's files as relative paths (tracked and untracked, not ignored)."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True, text=True, timeout=5
        )
        if done.returncode == 0:
            return sorted(done.stdout.splitlines())[:MAX_FILES]
    except (OSError, subprocess.SubprocessError):
        pass
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
        if len(found) >= MAX_FILES:
            break
    return sorted(found)[:MAX_FILES]


def make_completer(commands: Callable[[], Iterable[str]], agents: Callable[[], Iterable[str]], files: Callable[[], list[str]]):
    """A prompt_toolkit completer over the three kinds of names."""
    from prompt_toolkit.completion import Completer, Completion

    class ChatCompleter(Completer):
        def get_completions(self, document, complete_event):
            before = document.text_before_cursor
            word = before.split()[-1] if before and not before[-1].isspace() else ""
            if word.startswith("/") and before.strip() == word:
                for name in sorted(commands()):
                    if name.startswith(word[1:]):
                        yield Completion("/" + name, start_position=-len(word))
            elif word.startswith("@"):
                typed = word[1:]
                for name in agents():
                    if name.startswith(typed):
                        yield Completion("@" + name, start_position=-len(word), display_meta="agent")
                shown = 0
                for path in files():
                    if typed in path and shown < 50:
                        shown += 1
                        yield Completion("@" + path, start_position=-len(word))

    return ChatCompleter()
