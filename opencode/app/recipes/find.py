"""Finding recipes: a path (``review.toml``, ``ci/lint.toml``) or a name (``review``),
looked up in the project's ``.opencode/recipes/``, the user's, then the shipped ones.

An argument that ends in ``.toml`` but names no file is an error, never a prompt for
the model; ``is_recipe_reference`` is how ``opencode run`` tells the two apart.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import UsageError
from ...library import entries, find

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..workspace import Workspace
    from .model import Recipe

SUFFIXES = (".toml",)


def is_recipe_reference(text: str, workspace: Workspace) -> bool:
    """Whether ``opencode run TEXT`` means a recipe: a ``.toml`` path, or one word that
    names a recipe (a message is anything else)."""
    text = text.strip()
    if text.endswith(".toml"):
        return True
    if not text or any(c.isspace() for c in text) or "/" in text:
        return False
    return find("recipes", text, workspace.root, workspace.env, SUFFIXES) is not None


def locate(workspace: Workspace, reference: str, relative_to: Path | None = None) -> Path:
    """The file ``reference`` means; a usage error naming what was looked for."""
    base = relative_to or workspace.cwd
    if reference.endswith(".toml") or "/" in reference:
        path = Path(reference).expanduser()
        path = path if path.is_absolute() else base / path
        if path.is_file():
            return path
        found = find("recipes", Path(reference).stem, workspace.root, workspace.env, SUFFIXES) if "/" not in reference else None
        if found is not None and relative_to is not None:
            return found[1]
        raise UsageError(f"no recipe file {reference}" + (f" (in {base})" if not Path(reference).is_absolute() else ""), hint="opencode recipe list shows the recipes found by name")
    found = find("recipes", reference, workspace.root, workspace.env, SUFFIXES)
    if found is None:
        from ...suggest import did_you_mean

        names = [name for name, _, _ in entries("recipes", workspace.root, workspace.env, SUFFIXES)]
        hint = did_you_mean(reference, names)
        raise UsageError(f"no recipe named {reference!r}" + (f"; {hint}" if hint else ""), hint="opencode recipe list shows them")
    return found[1]


def check_subrecipe(workspace: Workspace, path: Path, parent: Path) -> None:
    """A sub-recipe must come from the project, the calling recipe's folder or the
    recipe folders: a ``run`` rendered from a model's text cannot load a file planted
    elsewhere on the machine."""
    from ...errors import PermissionDenied
    from ...library import search_dirs
    from ...paths import is_within

    resolved = path.resolve()
    places = [workspace.root, parent.resolve(), *(folder.resolve() for _, folder in search_dirs("recipes", workspace.root, workspace.env))]
    if not any(is_within(resolved, place) for place in places):
        raise PermissionDenied(f"the sub-recipe {path} is outside the project and the recipe folders")


def load_named(workspace: Workspace, reference: str, relative_to: Path | None = None) -> Recipe:
    from .loader import load_recipe

    path = locate(workspace, reference, relative_to)
    if relative_to is not None:
        check_subrecipe(workspace, path, relative_to)
    return load_recipe(path)


def list_recipes(workspace: Workspace) -> list[dict[str, Any]]:
    """One record per recipe found: name, description, where, file (a broken file is
    listed with its problem, not skipped in silence)."""
    from ... import protocol
    from .loader import parse

    found = []
    for name, where, path in entries("recipes", workspace.root, workspace.env, SUFFIXES):
        try:
            recipe, problems = parse(path.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError) as exc:
            recipe, problems = None, []
            workspace.warn(f"{path}: cannot read: {exc}")
        record = protocol.record("recipe", name=name, description=recipe.description if recipe else "", where=where, file=str(path))
        errors = [p.format(path) for p in problems if not p.warning]
        if errors:
            record["problems"] = errors
        found.append(record)
    return found
