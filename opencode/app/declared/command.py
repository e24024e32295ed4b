"""A declarative command file read into a ``Command``.

A command is a markdown file with YAML front matter (the body is the prompt) or a
TOML file (``prompt = '''...'''``), in a ``commands/`` folder (``opencode.library``
says which folders, in which order). Both forms know the same fields; an unknown key
is a warning, a wrong type or an empty prompt an error naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

#: The fields of a command, and the type each must have.
FIELDS: dict[str, type] = {"description": str, "agent": str, "model": str, "subtask": bool}
_TYPE_NAMES = {str: "a string", bool: "true or false"}


@dataclass(frozen=True)
class Command:
    """One command. ``where`` is ``project``, ``user`` or ``shipped``; ``template``
    is the prompt with its placeholders (see ``template``); ``warnings`` are what was
    odd but harmless in the file (unknown keys)."""

    name: str
    path: Path
    where: str
    template: str
    description: str = ""
    agent: str | None = None
    model: str | None = None
    subtask: bool = False
    warnings: tuple[str, ...] = field(default=())


def load_command(name: str, where: str, path: Path) -> Command:
    """The command in ``path``; ``ConfigError`` (exit 2) naming the file when it is
    unreadable, malformed or has no prompt."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the command file: {exc}", file=str(path)) from None
    data, body = _parse_toml(text, path) if path.suffix == ".toml" else _parse_markdown(text, path)
    fields, warnings = _checked(data, path)
    template = body.strip()
    if not template:
        where_prompt = "prompt = \"\"\"...\"\"\"" if path.suffix == ".toml" else "the text after the front matter"
        raise ConfigError(f"{path}: the command has no prompt ({where_prompt})", file=str(path))
    return Command(name, path, where, template, warnings=tuple(warnings), **fields)


def find_command(name: str, root: Path, env: Mapping[str, str]) -> Command | None:
    """The command called ``name`` as seen from project ``root`` (project files
    first, then the user's, then the shipped ones), or None."""
    from ...commandindex import KIND, SUFFIXES
    from ...library import find

    found = find(KIND, name, root, env, SUFFIXES)
    if found is None:
        return None
    where, path = found
    return load_command(name, where, path)


def _parse_markdown(text: str, path: Path) -> tuple[dict[str, Any], str]:
    from ...agent.agents import split_front_matter

    data, body, _ = split_front_matter(text, path)
    return data, body


def _parse_toml(text: str, path: Path) -> tuple[dict[str, Any], str]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}", file=str(path)) from None
    prompt = data.pop("prompt", "")
    if not isinstance(prompt, str):
        raise ConfigError(f"{path}: prompt must be a string", file=str(path), key="prompt")
    return data, prompt


def _checked(data: Mapping[str, Any], path: Path) -> tuple[dict[str, Any], list[str]]:
    """The known fields, type-checked, and a warning per unknown key."""
    fields: dict[str, Any] = {}
    warnings = []
    for key, value in data.items():
        expected = FIELDS.get(str(key))
        if expected is None:
            warnings.append(f"{path}: unknown key {key!r} in a command (ignored; known: {', '.join(FIELDS)})")
            continue
        if not isinstance(value, expected):
            raise ConfigError(f"{path}: {key} must be {_TYPE_NAMES[expected]}, got {value!r}", file=str(path), key=str(key))
        if isinstance(value, str):
            value = value.strip() or (None if key in ("agent", "model") else "")
        fields[str(key)] = value
    return fields, warnings

