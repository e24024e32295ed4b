"""What a recipe's templates refer to, found in Jinja's syntax tree without rendering.

The runner uses it to order steps (a step that reads ``steps.lint.text`` waits for
``lint``); ``recipe validate`` to find names that do not exist, parameters nobody
uses, and shell commands that interpolate without ``| shquote``.
"""

from __future__ import annotations

from functools import cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .model import Recipe, Step

#: The names every template may use.
GLOBALS = frozenset({"params", "steps", "stdin", "env", "item", "index", "recipe"})


class Refs:
    """Names one template uses: ``params.x`` → params {x}, ``steps.y.text`` → steps {y}."""

    __slots__ = ("params", "steps", "env", "names")

    def __init__(self) -> None:
        self.params: set[str] = set()
        self.steps: set[str] = set()
        self.env: set[str] = set()
        self.names: set[str] = set()


@cache
def parse_template(source: str, expression: bool = False) -> Any:
    """The syntax tree of a template (or of an expression); raises TemplateSyntaxError."""
    from .templates import environment

    return environment().parse("{{ (" + source + ") }}" if expression else source)


def refs(source: str, expression: bool = False) -> Refs:
    from jinja2 import nodes

    tree = parse_template(source, expression)
    found = Refs()
    assigned = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in assigned:
            found.names.add(node.name)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node
        if isinstance(base, nodes.Name) and base.name in ("params", "steps", "env"):
            key = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
            if key is not None:
                getattr(found, base.name).add(key)
    return found


def _constant(node: Any) -> str | None:
    from jinja2 import nodes

    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None


def step_refs(step: Step) -> Refs:
    """Everything ``step`` refers to, in its templates and its expressions (templates
    that do not parse contribute nothing: ``recipe validate`` reports them)."""
    from jinja2 import TemplateSyntaxError

    total = Refs()
    sources = [(text, False) for _, text in step.templates()]
    sources += [(expr, True) for expr in (step.when, step.foreach) if isinstance(expr, str)]
    for source, expression in sources:
        try:
            found = refs(source, expression)
        except TemplateSyntaxError:
            continue
        total.params |= found.params
        total.steps |= found.steps
        total.env |= found.env
        total.names |= found.names
    return total


def dependencies(recipe: Recipe) -> dict[str, set[str]]:
    """Step id → the ids it waits for: its ``needs``, the steps its templates read, and,
    when it has no ``needs``, the step before it (steps run in file order by default)."""
    ids = {step.id for step in recipe.steps}
    found: dict[str, set[str]] = {}
    for position, step in enumerate(recipe.steps):
        wanted = set(step.needs or ()) | (step_refs(step).steps & ids)
        if step.needs is None and position > 0:
            wanted.add(recipe.steps[position - 1].id)
        wanted.discard(step.id)
        found[step.id] = wanted
    return found


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in ``graph`` (as the ids around it), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target in graph and state.get(target) is None:
                found = visit(target)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return None

    for node in graph:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def check_graph(recipe: Recipe, deps: dict[str, set[str]]) -> None:
    """A usage error for ``needs`` naming no step, or steps waiting in a cycle."""
    from ...errors import UsageError

    ids = {s.id for s in recipe.steps}
    for step in recipe.steps:
        unknown = [n for n in step.needs or () if n not in ids]
        if unknown:
            raise UsageError(f"{recipe.file}:{step.line}: step {step.id!r} needs {unknown[0]!r}, which is no step of this recipe")
    loop = cycle(deps)
    if loop:
        raise UsageError(f"{recipe.file}: the steps wait for each other in a cycle: {' -> '.join(loop)}")


def unquoted(source: str) -> list[str]:
    """The ``{{ }}`` expressions of a shell command that do not end in ``| shquote``."""
    from jinja2 import nodes

    problems = []
    for output in parse_template(source).find_all(nodes.Output):
        for node in output.nodes:
            if isinstance(node, nodes.TemplateData):
                continue
            if not (isinstance(node, nodes.Filter) and node.name == "shquote"):
                problems.append(_describe(node))
    return problems


def _describe(node: Any) -> str:
    from jinja2 import nodes

    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Filter):
        return f"{_describe(node.node)} | {node.name}"
    return "an expression"
