"""``opencode recipe validate``: every problem of a recipe at once, each at its line.

Beyond the structure the loader checks: tools and agents that do not exist, templates
that do not parse or name something undefined, ``when``/``foreach`` that are not
expressions, ``needs`` that name no step or go round in a cycle, a ``run`` of a recipe
that is not there, a schema that is not one, parameters nobody uses, and shell commands
that interpolate without ``| shquote`` (quoted anyway, but a reader should see it).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import OpencodeError
from . import analysis
from .loader import Lines, Problem, parse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..workspace import Workspace
    from .model import Recipe, Step


def validate_file(workspace: Workspace, path: Path) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(0, f"cannot read: {getattr(exc, 'strerror', None) or exc}")]
    recipe, problems = parse(text, path)
    if recipe is not None:
        problems += Checker(workspace, recipe, Lines(text)).problems()
    return sorted(problems, key=lambda p: (p.line, p.warning))


class Checker:
    def __init__(self, workspace: Workspace, recipe: Recipe, lines: Lines) -> None:
        self.workspace, self.recipe, self.lines = workspace, recipe, lines
        self.found: list[Problem] = []
        self.ids = [step.id for step in recipe.steps]

    def problems(self) -> list[Problem]:
        used: set[str] = set()
        seen: set[str] = set()
        for step in self.recipe.steps:
            if step.id in seen:
                self.error(step, "id", f"two steps have the id {step.id!r}")
            seen.add(step.id)
            self._action(step)
            used |= self._templates(step)
        self._graph()
        self._params(used | self._outputs())
        return self.found

    def error(self, step: Step | None, key: str, message: str, warning: bool = False) -> None:
        line = self.lines.at("steps", step.index, key) if step is not None else self.lines.at(key)
        self.found.append(Problem(line, message, warning))

    def _action(self, step: Step) -> None:
        workspace = self.workspace
        if step.kind == "tool" and step.action not in workspace.registry.names():
            self.error(step, "tool", f"step {step.id!r}: no tool named {step.action!r}")
        if step.kind == "agent" and step.action not in workspace.agents:
            self.error(step, "agent", f"step {step.id!r}: no agent named {step.action!r} (known: {', '.join(workspace.agents.names())})")
        if step.kind == "run" and "{" not in step.action:
            from .find import locate

            try:
                locate(workspace, step.action, relative_to=self.recipe.file.parent)
            except OpencodeError as error:
                self.error(step, "run", f"step {step.id!r}: {error.message}")
        if step.schema is not None:
            self._schema(step)
        agent = self.recipe.settings.agent
        if agent and agent not in workspace.agents:
            self.error(None, "settings", f"[settings] agent: no agent named {agent!r}")
            self.recipe.settings.agent = None  # reported once

    def _schema(self, step: Step) -> None:
        import jsonschema

        from .actions import load_schema

        try:
            schema = load_schema(step.schema, self.recipe.file)  # type: ignore[arg-type]
            jsonschema.validators.validator_for(schema).check_schema(schema)
        except OpencodeError as error:
            self.error(step, "schema", f"step {step.id!r}: {error.message}")
        except jsonschema.SchemaError as exc:
            self.error(step, "schema", f"step {step.id!r}: not a valid JSON Schema: {exc.message}")

    def _templates(self, step: Step) -> set[str]:
        """Check every template and expression of ``step``; the params it uses."""
        from jinja2 import TemplateSyntaxError

        used: set[str] = set()
        sources: list[tuple[str, str, bool]] = [(key, text, False) for key, text in step.templates()]
        for key in ("when", "foreach"):
            value = getattr(step, key)
            if isinstance(value, str):
                if "{{" in value or "{%" in value:
                    self.error(step, key, f"step {step.id!r}: {key} is an expression; write it without {{{{ }}}}")
                    continue
                sources.append((key, value, True))
        for key, source, expression in sources:
            try:
                found = analysis.refs(source, expression)
            except TemplateSyntaxError as exc:
                what = "an expression" if expression else "a template"
                self.error(step, key.split(".")[0], f"step {step.id!r}: {key} is not {what}: {exc.message}")
                continue
            used |= found.params
            self._names(step, key, found)
            if key in ("shell", "checks"):
                self._quoting(step, key, source)
        return used

    def _names(self, step: Step, key: str, found: analysis.Refs) -> None:
        allowed = analysis.GLOBALS - ({"item", "index"} if step.foreach is None else set())
        for name in sorted(found.names - allowed):
            self.error(step, key.split(".")[0], f"step {step.id!r}: {key} uses {name!r}, which is not defined")
        for name in sorted(found.params - set(self.recipe.params)):
            self.error(step, key.split(".")[0], f"step {step.id!r}: {key} uses params.{name}, but the recipe has no parameter {name!r}")
        for name in sorted(found.steps - set(self.ids)):
            self.error(step, key.split(".")[0], f"step {step.id!r}: {key} uses steps.{name}, but there is no step {name!r}")
        if step.id in found.steps:
            self.error(step, key.split(".")[0], f"step {step.id!r}: {key} uses its own output")
        for name in sorted(found.env - set(self.recipe.env)):
            self.error(step, key.split(".")[0], f"step {step.id!r}: {key} uses env.{name}; list it in [recipe] env = [...] first")

    def _quoting(self, step: Step, key: str, source: str) -> None:
        for expression in analysis.unquoted(source):
            if "shell_code" in expression:
                if expression.startswith(("steps", "stdin")):
                    self.error(step, key, f"step {step.id!r}: {key} inserts {expression.split(' |')[0]} as shell code: text from a step or stdin must be quoted", warning=True)
                continue
            self.error(step, key, f"step {step.id!r}: {key} interpolates {expression} without | shquote (it is quoted anyway; say so)", warning=True)

    def _graph(self) -> None:
        ids = set(self.ids)
        for step in self.recipe.steps:
            for name in step.needs or ():
                if name not in ids:
                    self.error(step, "needs", f"step {step.id!r} needs {name!r}, which is no step of this recipe")
        loop = analysis.cycle(analysis.dependencies(self.recipe))
        if loop:
            first = self.recipe.step(loop[0])
            self.error(first, "needs", f"the steps wait for each other in a cycle: {' -> '.join(loop)}")

    def _outputs(self) -> set[str]:
        from jinja2 import TemplateSyntaxError

        if self.recipe.outputs is None:
            return set()
        try:
            found = analysis.refs(self.recipe.outputs)
        except TemplateSyntaxError as exc:
            self.found.append(Problem(self.recipe.outputs_line, f"[outputs] text is not a template: {exc.message}"))
            return set()
        for name in sorted(found.steps - set(self.ids)):
            self.found.append(Problem(self.recipe.outputs_line, f"[outputs] text uses steps.{name}, but there is no step {name!r}"))
        return found.params

    def _params(self, used: set[str]) -> None:
        from .params import coerce

        for name, param in self.recipe.params.items():
            if name not in used:
                self.found.append(Problem(param.line, f"parameter {name!r} is declared but never used", warning=True))
            if param.type == "choice" and not param.options:
                self.found.append(Problem(param.line, f"parameter {name!r} is a choice but lists no options"))
            if param.has_default and param.type != "file":
                try:
                    coerce(param, param.default, read_file=_no_file)
                except OpencodeError as error:
                    self.found.append(Problem(param.line, f"the default of {error.message}"))


def _no_file(path: str) -> Any:
    return path
