"""The names and one-line descriptions of declarative commands, found fast.

``opencode --help`` lists the commands in ``commands/`` folders on its fast path,
which imports neither Click nor ``pathlib`` (``pathlib`` alone costs more than the
rest of that help), let alone a YAML or TOML parser. So this module walks the same
folders as ``opencode.library`` with ``os`` only, finding the project root as
``opencode.paths.find_project_root`` does and the user config dir as
``opencode.config.dirs`` does on Linux (elsewhere it asks them); ``tests`` hold the
two walks to the same answer. Of each file a few lines are read, and the
``description:`` line (front matter) or ``description = "..."`` line (TOML) is taken
as it stands. The full parse, with its errors and warnings, happens when a command
runs (``opencode.app.declared``); a file that parses badly is still listed here.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping

KIND = "commands"
SUFFIXES = (".md", ".toml")
#: As ``opencode.paths.ROOT_MARKERS`` (that module imports pathlib).
ROOT_MARKERS = (".git", "opencode.toml")
#: How many lines of a file are looked at for its description.
_HEAD = 40
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def project_root(start: str) -> str:
    """``opencode.paths.find_project_root`` on strings."""
    start = os.path.realpath(start)
    directory = start
    while True:
        if any(os.path.exists(os.path.join(directory, marker)) for marker in ROOT_MARKERS):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return start
        directory = parent


def search_dirs(root: str, env: Mapping[str, str], kind: str = KIND) -> list[tuple[str, str]]:
    """``opencode.library.search_dirs`` on strings: (where, folder) in lookup order."""
    packaged = os.path.join(_PACKAGE, "_data", kind)
    shipped = packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(_PACKAGE), kind)
    return [
        ("project", os.path.join(root, ".opencode", kind)),
        ("user", os.path.join(_user_config_dir(env), kind)),
        ("shipped", shipped),
    ]


def _user_config_dir(env: Mapping[str, str]) -> str:
    if env.get("OPENCODE_CONFIG"):
        return os.path.dirname(os.path.expanduser(env["OPENCODE_CONFIG"]))
    if not sys.platform.startswith("linux"):
        from .config.dirs import user_config_dir

        return str(user_config_dir(env))
    base = env.get("XDG_CONFIG_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "opencode")


def command_files(root: str, env: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(name, where, file) of every declarative command, the first found per name
    (project, user, shipped; ``.md`` before ``.toml``), sorted by name: what
    ``library.entries("commands", ...)`` yields."""
    seen: dict[str, tuple[str, str, str]] = {}
    for where, folder in search_dirs(root, env):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for file_name in names:
            stem, suffix = os.path.splitext(file_name)
            if suffix in SUFFIXES and stem and stem not in seen and not file_name.startswith("."):
                seen[stem] = (stem, where, os.path.join(folder, file_name))
    return [seen[name] for name in sorted(seen)]


def listing(cwd: str, env: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    """(name, where, file, description) of the commands seen from ``cwd``."""
    return [(name, where, path, description(path)) for name, where, path in command_files(project_root(cwd), env)]


def description(path: str | os.PathLike[str]) -> str:
    """The file's description as its first lines state it, or "" when they do not."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = [line.rstrip("\r\n") for _, line in zip(range(_HEAD), handle)]
    except OSError:
        return ""
    if os.fspath(path).endswith(".toml"):
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
