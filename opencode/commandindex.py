"""The names and one-line descriptions of declarative commands, found fast.

``opencode --help`` and shell completion list the commands in ``commands/`` folders
(see ``opencode.library``) without importing a YAML or TOML parser: a few lines of
each file are read and the ``description:`` line (front matter) or
``description = "..."`` line (TOML) is taken as it stands. The full parse, with its
errors and warnings, happens in the application layer when a command runs
(``opencode.app.declared``); a file that parses badly there is still listed here.
"""

from __future__ import annotations

from .library import entries

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Mapping

KIND = "commands"
SUFFIXES = (".md", ".toml")
#: How many lines of a file are looked at for its description.
_HEAD = 40


def command_files(root: Path, env: Mapping[str, str]) -> list[tuple[str, str, Path]]:
    """(name, where, file) of every declarative command, the first found per name,
    sorted by name."""
    return sorted(entries(KIND, root, env, SUFFIXES))


def listing(cwd: str | Path, env: Mapping[str, str]) -> list[tuple[str, str, Path, str]]:
    """(name, where, file, description) of the commands seen from ``cwd``."""
    from pathlib import Path

    from .paths import find_project_root

    root = find_project_root(Path(cwd))
    return [(name, where, path, description(path)) for name, where, path in command_files(root, env)]


def description(path: Path) -> str:
    """The file's description as its first lines state it, or "" when they do not."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = [line.rstrip("\r\n") for _, line in zip(range(_HEAD), handle)]
    except OSError:
        return ""
    if path.suffix == ".toml":
        return _toml_description(head)
    return _front_matter_description(head)


def _front_matter_description(lines: list[str]) -> str:
    if not lines or lines[0].lstrip("\ufeff").strip() != "---":
        return ""
    for line in lines[1:]:
        if line.strip() == "---":
            return ""
        if line.startswith("description:"):
            return _unquote(line[len("description:") :].strip())
    return ""


def _toml_description(lines: list[str]) -> str:
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            return ""  # past the top-level keys
        key, sep, value = stripped.partition("=")
        if sep and key.strip() == "description":
            return _unquote(value.strip())
    return ""


def _unquote(value: str) -> str:
    """A scalar as written on one line: quotes taken off (``\\"`` and ``\\\\`` undone in
    double quotes), a trailing comment dropped. A block scalar (``>``, ``|``) or a
    flow collection gives "": the real parse will say what it is."""
    quote = value[:1]
    if quote in ("'", '"'):
        inner, index = [], 1
        while index < len(value):
            char = value[index]
            if char == quote:
                if quote == "'" and value[index + 1 : index + 2] == "'":
                    inner.append("'")
                    index += 2
                    continue
                return "".join(inner)
            if quote == '"' and char == "\\" and index + 1 < len(value):
                char = value[index + 1]
                index += 1
            inner.append(char)
            index += 1
        return ""
    if value[:1] in (">", "|", "[", "{", "&", "*", "!"):
        return ""
    return value.split(" #", 1)[0].strip()
