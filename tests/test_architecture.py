"""The layers hold: no module imports from a layer above its own, no face from another.

The layers and their order are the table in docs/architecture.md; this test reads it,
so the table and the rule cannot drift apart. Every import counts, the lazy ones
inside functions too (they are how the layers stay fast to import, not exempt).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "opencode"
FACES = 8
#: ``python -m opencode`` is the command line's second door, not a face of its own.
SAME_FACE = {"opencode.__main__": "opencode.cli"}
#: The executable is the command line's: it may start another face through that
#: face's ``main`` module, and import nothing else of it.
LAUNCHER = "opencode.cli"


def layers() -> dict[str, int]:
    """Module prefix → layer number, from the table in docs/architecture.md."""
    table = {}
    for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        row = re.match(r"\|\s*(\d+)\s*\|[^|]*\|(.*)\|\s*$", line)
        if row:
            for name in re.findall(r"`([\w.]+)`", row.group(2)):
                table[name] = int(row.group(1))
    return table


def owner(module: str, table: dict[str, int]) -> str | None:
    """The longest table entry that is ``module`` or a package holding it."""
    candidates = [name for name in table if module == name or module.startswith(name + ".")]
    return max(candidates, key=len) if candidates else None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] if not node.module or node.level else []
            found += [(node.lineno, base)] + [(node.lineno, name) for name in names]
    return [(line, name) for line, name in found if name == "opencode" or name.startswith("opencode.")]


def violations() -> list[str]:
    table = layers()
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        mine = owner(module, table)
        if mine is None:
            problems.append(f"{module} is in no layer of docs/architecture.md")
            continue
        for line, target in imported(path, module):
            theirs = owner(target, table)
            if theirs is None or theirs == mine:
                continue
            if table[theirs] > table[mine]:
                problems.append(f"{path.relative_to(ROOT)}:{line}: {module} (layer {table[mine]}) imports {target} (layer {table[theirs]})")
            elif table[theirs] == table[mine] == FACES and SAME_FACE.get(mine, mine) != SAME_FACE.get(theirs, theirs):
                if mine == LAUNCHER and target == f"{theirs}.main":
                    continue
                problems.append(f"{path.relative_to(ROOT)}:{line}: the face {mine} imports another face, {theirs}")
    return problems


def test_the_table_names_the_layers_in_order():
    table = layers()
    assert sorted(set(table.values())) == list(range(1, FACES + 1))
    assert table["opencode.tools"] < table["opencode.llm"] < table["opencode.agent"] < table["opencode.session"] < table["opencode.app"] < table["opencode.cli"]


def test_no_module_imports_from_a_layer_above_it():
    assert violations() == []


def test_the_check_sees_lazy_and_relative_imports(tmp_path):
    """The checker itself: an upward import inside a function, written relatively."""
    bad = PACKAGE / "agent" / "loop.py"
    source = "def later():\n    from ..app import run\n"
    probe = tmp_path / "opencode" / "agent" / "loop.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(source)
    found = imported(probe, module_name(bad))
    assert (2, "opencode.app") in found and (2, "opencode.app.run") in found
    table = layers()
    assert table[owner("opencode.app.run", table)] > table[owner(module_name(bad), table)]
