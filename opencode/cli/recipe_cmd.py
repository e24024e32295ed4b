"""``opencode run FILE.toml|NAME`` and ``opencode recipe list | show | validate``.

The run is the application layer's ``RecipeRun``; here the parameters are gathered
(``--param``, ``--params``, ``--stdin-as``, asked with questionary on a terminal) and
the records shown: every one of them with ``--json``, otherwise (in a pipe too) the
recipe's output on stdout and its progress on stderr.
"""

from __future__ import annotations

from pathlib import Path

import click

from .clickutil import leaf

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .runtime import Runtime


def recipe_options(fn):
    """The options only a recipe run takes."""
    options = [
        click.option("-p", "--param", "param", multiple=True, metavar="NAME=VALUE", help="A recipe parameter (repeatable)"),
        click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help="Recipe parameters from a TOML or JSON file"),
        click.option("--stdin-as", metavar="NAME", help="Bind piped stdin to the recipe parameter NAME"),
        click.option("--dry-run", is_flag=True, help="Show what each step would run; call no model and no tool that writes"),
        click.option("--cache/--no-cache", "cache", default=None, help="Reuse the results of unchanged steps (default: [recipes] cache)"),
        click.option("--refresh", multiple=True, metavar="STEP", help="Run STEP again even when its cached result is valid (repeatable)"),
        click.option("--record", type=click.Path(dir_okay=False, path_type=Path), help="Write every model exchange to FILE.jsonl"),
        click.option("--replay", type=click.Path(dir_okay=False, path_type=Path), help="Answer model calls from a recording (no key, no network)"),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


RECIPE_ONLY = ("param", "params_file", "stdin_as", "dry_run", "cache", "refresh", "record", "replay")


def given_recipe_options(options: dict[str, Any]) -> list[str]:
    """The recipe options set in ``options`` (to refuse them for a plain message)."""
    return [name for name in RECIPE_ONLY if options.get(name) not in (None, False, ())]


def run_recipe(runtime: Runtime, reference: str, options: dict[str, Any], server: Any = None) -> int:
    """Run the recipe ``reference`` names; returns the exit status. Whatever happens,
    with ``--json`` the last record is ``done``. With ``server`` (warm attach) it runs
    there, unless it records or replays (those swap the server's model client)."""
    from ..app.recipes.find import load_named
    from ..app.recipes.params import load_params_file, parse_assignments
    from ..app.recipes.runner import RecipeOptions, RecipeRun
    from ..app.run import ended_before_start
    from ..errors import UsageError
    from . import signals
    from .run_cmd import _answers, _ended, _show

    if runtime.format is None and runtime.mode == "jsonl":
        # As for a message: in a pipe only the output, unless --json asks for the
        # records (`opencode run commit-message | git commit -F -`).
        runtime.format = "text"
    view = _view(runtime)
    workspace = runtime.workspace
    try:
        if options.pop("continue_last", False) or options.pop("session", None):
            raise UsageError("a recipe starts its own sessions: -c/--session apply to a message, not a recipe")
        recipe = load_named(workspace, reference)
        given = load_params_file(options["params_file"]) if options.get("params_file") else {}
        given.update(parse_assignments(options["param"]))
        piped = runtime.read_stdin()
        if options.get("stdin_as"):
            if piped is None or piped.is_empty:
                raise UsageError(f"--stdin-as {options['stdin_as']} needs input piped to stdin")
            given[options["stdin_as"]] = piped.text
        if runtime.interactive:
            given.update(_ask_missing(recipe, given))
        run_options = RecipeOptions(
            params=given, model=options.get("model"), max_turns=options.get("max_turns"), max_cost=options.get("max_cost"),
            timeout=options.get("timeout"), yes=options.get("yes", False), allow=options.get("allow", ()),
            answers=_answers(options.get("answers")), cache=options.get("cache"), refresh=options.get("refresh", ()),
            dry_run=options.get("dry_run", False), record=options.get("record"), replay=options.get("replay"),
        )
    except UsageError as error:
        return _ended(view, ended_before_start(error), error.exit_code)
    from .terminal_person import TerminalPerson

    if server is not None and run_options.record is None and run_options.replay is None:
        from .attach_options import using
        from .attach_run import run_recipe_attached

        return run_recipe_attached(runtime, using(runtime, server), view, reference, run_options, piped)
    run = RecipeRun(workspace, recipe, run_options, piped=piped, person=TerminalPerson() if runtime.interactive else None)
    signals.run(_show(run, view))
    view.close()
    return run.exit_code


def _view(runtime: Runtime):
    from ..render.recipe_view import RecipeView

    if runtime.mode == "jsonl":
        return RecipeView(runtime.out, runtime.stderr, records=True)
    return RecipeView(runtime.out, runtime.stderr, progress=_progress(runtime), quiet=runtime.quiet)


def _progress(runtime: Runtime):
    """The live table on stderr, when a person watches it."""
    if runtime.quiet or not _isatty(runtime.stderr):
        return None
    try:
        from ..render.recipe_progress import RecipeProgress
    except ImportError:
        return None
    from rich.console import Console

    return RecipeProgress(Console(file=runtime.stderr, no_color=not runtime.color))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _ask_missing(recipe: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The required parameters not given, asked at the terminal before the run starts
    (questionary runs its own event loop)."""
    missing = [p for name, p in recipe.params.items() if name not in given and not p.has_default and p.required is not False]
    return {param.name: _ask_param(param) for param in missing}


def _ask_param(param: Any) -> Any:
    """A missing parameter, asked on stderr (stdout may be a file)."""
    import questionary

    from ..errors import Interrupted
    from .terminal_person import stderr_output

    label = f"{param.name}" + (f" ({param.description})" if param.description else "")
    out = stderr_output()
    if param.type == "choice":
        answer = questionary.select(label, choices=[str(o) for o in param.options], output=out).ask()
    elif param.type == "boolean":
        answer = questionary.confirm(label, output=out).ask()
    elif param.type in ("path", "file"):
        answer = questionary.path(label, output=out).ask()
    else:
        answer = questionary.text(label, output=out).ask()
    if answer is None:
        raise Interrupted("interrupted")
    return answer


@click.group()
def recipe() -> None:
    """Recipes: list them, show one, validate a file."""


@recipe.command("list")
@leaf
def list_cmd(runtime) -> None:
    """The recipes found: the project's .opencode/recipes/, the user's, then the shipped ones."""
    from ..app.recipes.find import list_recipes

    found = list_recipes(runtime.workspace)
    if runtime.mode != "jsonl":
        width = max((len(r["name"]) for r in found), default=0)
        for record in found:
            problem = "  (broken: opencode recipe validate)" if record.get("problems") else ""
            runtime.out.put(f"{record['name']:<{width}}  {record['where']:<8} {record['description']}{problem}\n")
        return
    for record in found:
        runtime.emit(record)


@recipe.command("show")
@click.argument("name")
@leaf
def show(runtime, name: str) -> None:
    """A recipe's parameters and steps."""
    from .. import protocol
    from ..app.recipes.analysis import dependencies
    from ..app.recipes.find import load_named

    found = load_named(runtime.workspace, name)
    deps = dependencies(found)
    params = [
        {"name": p.name, "type": p.type, "description": p.description, "default": p.default if p.has_default else None, "required": not p.has_default and p.required is not False}
        for p in found.params.values()
    ]
    steps = [{"id": s.id, "kind": s.kind, "action": s.action, "after": sorted(deps[s.id])} for s in found.steps]
    record = protocol.record("recipe", name=found.name, description=found.description, file=str(found.file), params=params, steps=steps)
    if runtime.mode == "jsonl":
        runtime.emit(record)
        return
    lines = [f"{found.name}: {found.description}", f"  {found.file}", "", "parameters:"]
    lines += [f"  {p['name']} ({p['type']}{', required' if p['required'] else ''}){' = ' + repr(p['default']) if p['default'] is not None else ''}  {p['description']}" for p in params] or ["  (none)"]
    lines += ["", "steps:"]
    lines += [f"  {s['id']:<14} {s['kind']:<6} {_one_line(s['action'])}" + (f"  (after {', '.join(s['after'])})" if s["after"] else "") for s in steps]
    runtime.out.put("\n".join(lines) + "\n")


@recipe.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@leaf
def validate(runtime, file: Path) -> None:
    """Every problem of a recipe file at once, each with FILE:LINE (exit 2 if any is an error)."""
    from .. import protocol
    from ..app.recipes.find import locate
    from ..app.recipes.validate import validate_file

    path = locate(runtime.workspace, str(file))
    problems = validate_file(runtime.workspace, path)
    for problem in problems:
        if runtime.mode == "jsonl":
            runtime.emit(protocol.record("problem", file=str(path), line=problem.line, message=problem.message, severity="warning" if problem.warning else "error"))
        else:
            runtime.out.put(problem.format(path) + "\n")
    errors = sum(1 for p in problems if not p.warning)
    if errors:
        raise SystemExit(2)
    if runtime.mode != "jsonl" and not problems:
        runtime.diag.info(f"{path}: ok")


def _one_line(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
