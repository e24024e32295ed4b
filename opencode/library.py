"""Where recipes and declarative commands are found.

Each kind (``recipes``, ``commands``) is looked up in three places, first match wins:
the project's ``.opencode/KIND/``, the user config dir's ``KIND/``, and the folder that
ships in the package (``opencode/_data/KIND`` in a wheel, the repository's top-level
``KIND/`` in a source checkout). Nothing here imports more than ``pathlib``, so
``opencode --help`` can list command names on its fast path.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator, Mapping

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(kind: str) -> Path:
    """The folder of shipped ``kind`` files, wherever this copy of opencode lives."""
    packaged = _PACKAGE / "_data" / kind
    return packaged if packaged.is_dir() else _PACKAGE.parent / kind


def search_dirs(kind: str, root: Path, env: Mapping[str, str]) -> list[tuple[str, Path]]:
    """(where, folder) in lookup order: ``project``, ``user``, ``shipped``."""
    from .config.dirs import user_config_dir

    return [
        ("project", root / ".opencode" / kind),
        ("user", user_config_dir(env) / kind),
        ("shipped", shipped_dir(kind)),
    ]


def entries(kind: str, root: Path, env: Mapping[str, str], suffixes: tuple[str, ...]) -> Iterator[tuple[str, str, Path]]:
    """(name, where, file) for every file of ``kind`` with one of ``suffixes``, the first
    found for each name only, in lookup order, then by name."""
    seen: set[str] = set()
    for where, folder in search_dirs(kind, root, env):
        try:
            names = sorted(folder.iterdir())
        except OSError:
            continue
        for path in names:
            if path.suffix in suffixes and path.stem not in seen and not path.name.startswith("."):
                seen.add(path.stem)
                yield path.stem, where, path


def find(kind: str, name: str, root: Path, env: Mapping[str, str], suffixes: tuple[str, ...]) -> tuple[str, Path] | None:
    """(where, file) of the ``kind`` file called ``name``, or None."""
    for where, folder in search_dirs(kind, root, env):
        for suffix in suffixes:
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                return where, candidate
    return None
