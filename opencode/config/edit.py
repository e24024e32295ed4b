"""``opencode config set``: change one key in a TOML file, keeping its comments and layout.

tomlkit edits the document in place, so everything the user wrote by hand survives.
The value is parsed as a TOML value when it is one (``30``, ``false``, ``["git *"]``)
and taken as a string otherwise; it is checked against the schema before the file is
touched, and the file is replaced atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ConfigError, UsageError
from ..fsutil import atomic_write
from .schema import spec_for, type_name


def parse_value(raw: str) -> Any:
    import tomllib

    try:
        return tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return raw


def set_value(path: Path, dotted: str, raw: str) -> tuple[Any, list[str]]:
    """Set ``dotted`` to the parsed ``raw`` in ``path``. Returns (value, warnings)."""
    import tomlkit

    parts = [p for p in dotted.split(".")]
    if not dotted or any(not p for p in parts):
        raise UsageError(f"invalid key {dotted!r}: use dotted names such as provider.default")
    value = parse_value(raw)
    warnings = []
    spec = spec_for(dotted)
    if spec is None:
        warnings.append(f"unknown key {dotted!r}: opencode does not use it")
    elif not spec.check(value):
        raise ConfigError(f"{dotted} must be {spec.name}, got {type_name(value)} ({raw})", key=dotted)

    document = _load(path)
    node: Any = document
    for index, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            child = tomlkit.table(is_super_table=index < len(parts) - 2)
            node[part] = child
        elif not isinstance(child, dict):
            raise ConfigError(f"{'.'.join(parts[: index + 1])} is a value, not a table, in {path}")
        node = child
    node[parts[-1]] = value
    atomic_write(path, tomlkit.dumps(document).encode("utf-8"))
    return value, warnings


def _load(path: Path) -> Any:
    """The TOML document of ``path`` (empty when there is no file), for editing."""
    import tomlkit

    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); nothing was changed", file=str(path)) from None
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from exc


def set_table(path: Path, parents: tuple[str, ...], name: str, values: dict[str, Any]) -> None:
    """Write ``[PARENTS.NAME]`` with ``values`` into ``path`` (replacing a table of that
    name), keeping everything else in the file as it was."""
    import tomlkit

    document = _load(path)
    node: Any = document
    for index, part in enumerate(parents):
        child = node.get(part)
        if child is None:
            child = tomlkit.table(is_super_table=True)
            node[part] = child
        elif not isinstance(child, dict):
            raise ConfigError(f"{'.'.join(parents[: index + 1])} is a value, not a table, in {path}")
        node = child
    table = tomlkit.table()
    for key, value in values.items():
        if isinstance(value, dict):
            inline = tomlkit.inline_table()
            inline.update(value)
            value = inline
        table[key] = value
    node[name] = table
    atomic_write(path, tomlkit.dumps(document).encode("utf-8"))


def remove_key(path: Path, dotted: str) -> bool:
    """Remove ``dotted`` (a value or a table) from ``path``; False when it was not there."""
    if not path.exists():
        return False
    document = _load(path)
    node: Any = document
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return False
    if not isinstance(node, dict) or parts[-1] not in node:
        return False
    del node[parts[-1]]
    import tomlkit

    atomic_write(path, tomlkit.dumps(document).encode("utf-8"))
    return True
