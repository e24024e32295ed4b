"""The system prompt an agent runs with.

It is the agent's own prompt, then facts the model cannot see for itself (where it
is, the platform, today's date, the state of git), then the instructions people wrote
for it: the user's global ``AGENTS.md`` in the user config dir, ``AGENTS.md`` and
``CLAUDE.md`` in the project root and in each folder down to the working directory,
and every file named by ``instructions = [...]`` in config (relative to the project
root, globs allowed). Each file is labelled with its path.

Everything here is bounded: git gets 5 seconds, one file at most 50 KB, all files
together at most 200 KB, so a stray huge file cannot crowd out the conversation.
Problems (a configured file missing, a binary file, the budget spent) become warning
strings for the caller to show, never a failed run.
"""

from __future__ import annotations

import glob
import subprocess
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import date
    from typing import Any, Mapping

    from .agents import Agent

PROJECT_FILES = ("AGENTS.md", "CLAUDE.md")
MAX_FILE_BYTES = 50 * 1024
MAX_TOTAL_BYTES = 200 * 1024
GIT_TIMEOUT = 5.0
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SystemPrompt:
    """The prompt text, the instruction files it includes, and warnings for the user."""

    def __init__(self, text: str, files: list[Path], warnings: list[str]) -> None:
        self.text = text
        self.files = files
        self.warnings = warnings

    def __str__(self) -> str:
        return self.text


def system_prompt(agent: Agent, root: Path, cwd: Path, config: Any, env: Mapping[str, str], now: date | None = None) -> str:
    """The system prompt text for ``agent`` (see ``build_system_prompt`` for the warnings)."""
    return build_system_prompt(agent, root, cwd, config, env, now).text


def build_system_prompt(
    agent: Agent, root: Path, cwd: Path, config: Any, env: Mapping[str, str], now: date | None = None
) -> SystemPrompt:
    """The system prompt for ``agent`` working in ``cwd`` inside project ``root``."""
    paths, warnings = instruction_files(root, cwd, config, env)
    sections = [agent.prompt.strip(), environment_facts(root, cwd, env, now)]
    included, budget = [], MAX_TOTAL_BYTES
    for path in paths:
        text, warning = read_instruction(path, root, budget)
        if warning:
            warnings.append(warning)
        if text:
            sections.append(text)
            included.append(path)
            budget -= len(text.encode("utf-8"))
    if included:
        sections.insert(
            2,
            "# Instructions\nThe user and the project left these instructions; follow them. "
            "The project's own files take precedence over the user's global one.",
        )
    return SystemPrompt("\n\n".join(s for s in sections if s), included, warnings)


def environment_facts(root: Path, cwd: Path, env: Mapping[str, str], now: date | None = None) -> str:
    """The ``<env>`` block: working directory, project root, platform, date, git state."""
    import platform
    import sys
    from datetime import datetime

    today = now or datetime.now().astimezone()
    facts = [
        f"Working directory: {cwd}",
        f"Project root: {root}",
        f"Platform: {platform.system() or sys.platform}",
    ]
    if env.get("SHELL"):
        facts.append(f"Shell: {env['SHELL']}")
    facts.append(f"Today's date: {today.strftime('%Y-%m-%d')} ({WEEKDAYS[today.weekday()]})")
    git = git_facts(cwd if cwd.is_dir() else root, env)
    if git is not None:
        facts.append(f"Git repository: {git}")
    return "# Environment\n<env>\n" + "\n".join(facts) + "\n</env>"


def git_facts(directory: Path, env: Mapping[str, str]) -> str | None:
    """``"yes (branch main, 2 modified, 1 untracked)"``, ``"no"``, or None without git."""
    command = ["git", "status", "--porcelain=v1", "--branch", "--untracked-files=normal"]
    git_env = {**env, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            command, cwd=directory, env=git_env, stdin=subprocess.DEVNULL,
            capture_output=True, timeout=GIT_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return "yes (status timed out)" if _inside_git(directory) else None
    except OSError:
        return None
    if proc.returncode != 0:
        return "no" if b"not a git repository" in proc.stderr else None
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    branch = _branch(lines[0]) if lines and lines[0].startswith("## ") else "unknown branch"
    entries = [line for line in lines if not line.startswith("## ")]
    untracked = sum(1 for line in entries if line.startswith("??"))
    modified = len(entries) - untracked
    state = f"{modified} modified, {untracked} untracked" if entries else "clean"
    return f"yes ({branch}, {state})"


def _branch(header: str) -> str:
    """The branch from a porcelain ``## ...`` header line."""
    text = header[3:]
    for prefix in ("No commits yet on ", "Initial commit on "):
        if text.startswith(prefix):
            return f"branch {text[len(prefix):]}, no commits yet"
    if text.startswith("HEAD (no branch)"):
        return "detached HEAD"
    name, _, rest = text.partition("...")
    tracking = rest[rest.find("[") :] if "[" in rest else ""
    return f"branch {name}" + (f" {tracking}" if tracking else "")


def _inside_git(directory: Path) -> bool:
    return any((d / ".git").exists() for d in (directory, *directory.parents))


def instruction_files(root: Path, cwd: Path, config: Any, env: Mapping[str, str]) -> tuple[list[Path], list[str]]:
    """The instruction files to include, in order, and warnings about configured ones."""
    from ..config.dirs import user_config_dir

    candidates = [user_config_dir(env) / "AGENTS.md"]
    folders = [root]
    if cwd != root and root in cwd.parents:
        folders += [p for p in reversed(cwd.parents) if root in p.parents] + [cwd]
    candidates += [folder / name for folder in folders for name in PROJECT_FILES]
    found = [p for p in candidates if p.is_file()]
    configured, warnings = configured_files(root, config)
    paths, seen = [], set()
    for path in found + configured:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            paths.append(path)
    return paths, warnings


def configured_files(root: Path, config: Any) -> tuple[list[Path], list[str]]:
    """The files ``instructions = [...]`` names, expanded, with a warning for each miss.

    Entries from the user's own config file (or a flag) may name any file. Entries from
    anywhere else, the project's ``opencode.toml`` above all, must stay inside the
    project: a cloned repository must not be able to send ``~/.ssh`` to a model.
    """
    entries = config.get("instructions", None) if config is not None else None
    if not entries:
        return [], []
    origin = config.origin("instructions") if hasattr(config, "origin") else None
    trusted = origin is not None and origin in ("flag", str(getattr(config, "user_file", "")))
    where = origin or "config"
    paths: list[Path] = []
    warnings: list[str] = []
    real_root = root.resolve()
    for entry in entries:
        pattern = Path(entry).expanduser()
        absolute = pattern if pattern.is_absolute() else root / pattern
        if glob.has_magic(entry):
            base = glob.escape(str(root)) + "/" if not pattern.is_absolute() else ""
            matches = sorted(Path(m) for m in glob.glob(base + str(pattern), recursive=True))
            matches = [m for m in matches if m.is_file()]
            if not matches:
                warnings.append(f"{where}: instructions: no file matches {entry!r} (skipped)")
        elif absolute.is_file():
            matches = [absolute]
        else:
            warnings.append(f"{where}: instructions: {entry!r} not found (skipped)")
            continue
        for match in matches:
            real = match.resolve()
            if trusted or real == real_root or real_root in real.parents:
                paths.append(match)
            else:
                warnings.append(
                    f"{where}: instructions: {entry!r} is outside the project (skipped; "
                    "only the user config file may name files elsewhere)"
                )
    return paths, warnings


def read_instruction(path: Path, root: Path, budget: int) -> tuple[str, str | None]:
    """One file as a labelled section, cut to ``MAX_FILE_BYTES``; ('', warning) to skip it."""
    from ..fsutil import BINARY_SAMPLE, looks_binary

    label = _display(path, root)
    if budget <= 0:
        return "", f"instructions: {label} skipped, the instructions already fill {MAX_TOTAL_BYTES // 1024} KB"
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(min(MAX_FILE_BYTES, budget))
    except OSError as exc:
        return "", f"instructions: cannot read {label}: {exc.strerror}"
    if looks_binary(data[:BINARY_SAMPLE]):
        return "", f"instructions: {label} is a binary file (skipped)"
    text = data.decode("utf-8", "replace").strip()
    if not text:
        return "", None
    warning = None
    if size > len(data):
        text = text.rstrip("\ufffd") + (
            f"\n\n[truncated: {label} is {size:,} bytes; only the first {len(data):,} are included]"
        )
        warning = f"instructions: {label} is over {len(data) // 1024} KB; truncated"
    return f"Instructions from: {label}\n{text}", warning


def _display(path: Path, root: Path) -> str:
    """A path relative to the project root when inside it, absolute otherwise."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
