"""``opencode run MESSAGE`` and ``opencode agent [list | NAME TASK]``: headless agent runs.

The run itself is the application layer's ``AgentTask``; here the options are
parsed, the person at the terminal (if any) is brought in, and the records are shown:
all of them with ``--json``, otherwise the answer on stdout and progress on stderr.
"""

from __future__ import annotations

import click

from .attach_options import attach_options, attached_server
from .attach_run import attachable
from .clickutil import leaf
from .recipe_cmd import RECIPE_ONLY, given_recipe_options, recipe_options, run_recipe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..app.run import TaskOptions
    from .runtime import Runtime


def run_options(fn):
    """The options every headless run takes."""
    options = [
        click.option("--model", help="provider/model for this run"),
        click.option("--max-turns", type=click.IntRange(min=1), help="Stop after N model turns (exit 5)"),
        click.option("--max-cost", type=click.FloatRange(min=0), help="Stop once the run has cost USD (exit 5)"),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Stop after SECONDS (exit 5)"),
        click.option("-y", "--yes", is_flag=True, help="Approve every permission ask"),
        click.option("--allow", multiple=True, metavar="TOOL[:PATTERN]", help="Approve asks for a tool, e.g. --allow 'bash:git *' (repeatable)"),
        click.option("--answers", metavar="JSON", help="Answers for the question tool in a headless run"),
        click.option("-c", "--continue", "continue_last", is_flag=True, help="Continue the last session"),
        click.option("--session", metavar="ID", help="Continue this session (a unique prefix is enough)"),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def run_agent(runtime: Runtime, prompt: str, agent: str | None = None, answers: str | None = None, server: Any = None, **options: Any) -> int:
    """Run one agent task headless and show its records; returns the exit status.
    With ``server`` (warm attach) the task runs there when its options allow.

    Whatever happens, in a pipe the last record is ``done``: also when the options
    are wrong or the piped input never finishes arriving (Ctrl-C).
    """
    from ..app.run import AgentTask, TaskOptions, ended_before_start
    from ..errors import Interrupted, UsageError
    from . import signals

    view = _view(runtime)
    try:
        task_options = TaskOptions(agent=agent, answers=_answers(answers), **options)
        piped = runtime.read_stdin()
    except UsageError as error:
        return _ended(view, ended_before_start(error), error.exit_code)
    except KeyboardInterrupt:  # e.g. while waiting for a slow command upstream of the pipe
        return _ended(view, ended_before_start(Interrupted(signals.description()), "interrupted"), Interrupted.exit_code)
    from .terminal_person import TerminalPerson

    if server is not None and attachable(options, answers):
        from .attach_options import using
        from .attach_run import run_attached

        return run_attached(runtime, using(runtime, server), view, prompt, agent, options, piped)
    task = AgentTask(runtime.workspace, prompt, task_options, piped=piped, person=TerminalPerson() if runtime.interactive else None)
    signals.run(_show(task, view))
    return task.exit_code


def _view(runtime: Runtime):
    """Where a headless run's records go: all of them in JSON Lines mode, else the
    answer view. In a pipe without --json only the answer is printed, so
    ``opencode run "write a haiku" > haiku.txt`` just works."""
    if runtime.format is None and runtime.mode == "jsonl":
        runtime.format = "text"
    return runtime.out if runtime.mode == "jsonl" else runtime.answer_view()


def end_before_start(runtime: Runtime, error: Exception) -> int:
    """Show a run that could not start (its ``error``, then ``done``) as ``run_agent``
    would; returns the exit status. For what a face does before the run (a
    declarative command's expansion)."""
    from ..app.run import ended_before_start
    from ..errors import Interrupted
    from . import signals

    if isinstance(error, KeyboardInterrupt):
        return _ended(_view(runtime), ended_before_start(Interrupted(signals.description()), "interrupted"), Interrupted.exit_code)
    return _ended(_view(runtime), ended_before_start(error), error.exit_code)  # type: ignore[attr-defined]


async def _show(task, view) -> None:
    async for record in task.records():
        view.show(record)


def _ended(view, records: list[dict], code: int) -> int:
    for record in records:
        view.show(record)
    return code


def _answers(raw: str | None) -> Any:
    if raw is None:
        return None
    from .. import protocol
    from ..errors import UsageError

    try:
        return protocol.loads(raw)
    except ValueError as exc:
        raise UsageError(f"--answers is not valid JSON: {exc}") from None


@click.command("run")
@click.argument("message", nargs=-1)
@click.option("--agent", "agent_name", help="The primary agent to use (default: build)")
@run_options
@recipe_options
@attach_options
@leaf
def run(runtime, message, agent_name, attach_url, no_attach, **options) -> None:
    """Run the agent on MESSAGE without a person watching (stdin becomes context), or
    run a recipe: a FILE.toml or the NAME of one (opencode recipe list).

    \b
      opencode run "make the failing test pass" --yes --max-turns 30
      git diff | opencode run "review this change" --json | jq -c 'select(.type=="tool_call")'
      opencode run review --param base=main
      opencode run recipes/explain.toml -p file=main.py --replay recipes/explain.jsonl
    """
    from ..app.recipes.find import is_recipe_reference
    from ..errors import UsageError

    if len(message) == 1 and is_recipe_reference(message[0], runtime.workspace):
        if agent_name:
            raise UsageError("--agent applies to a message; a recipe names its agents itself ([settings] agent)")
        raise SystemExit(run_recipe(runtime, message[0], options, server=attached_server(runtime, attach_url, no_attach)))
    extra = given_recipe_options(options)
    if extra:
        flag = "--" + extra[0].replace("_file", "").replace("_", "-")
        raise UsageError(f"{flag} applies to a recipe (FILE.toml or a recipe name), not to a message")
    for name in RECIPE_ONLY:
        options.pop(name, None)
    server = attached_server(runtime, attach_url, no_attach)
    raise SystemExit(run_agent(runtime, " ".join(message).strip(), agent_name, server=server, **options))


class AgentGroup(click.Group):
    """``agent list``, and ``agent NAME TASK...`` for any agent name."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        return command if command is not None else _named_agent(name)

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[override]
        return args[0], self.get_command(ctx, args[0]), args[1:]


@click.group(cls=AgentGroup)
def agent() -> None:
    """List agents, or run one: opencode agent NAME "task"."""


@agent.command("list")
@leaf
def list_agents(runtime) -> None:
    """Built-in agents and those defined in opencode.toml or .opencode/agents/."""
    from ..agent.agents import agent_summary_records

    for record in agent_summary_records(runtime.workspace.agents):
        runtime.emit(record)


def _named_agent(name: str) -> click.Command:
    @click.command(name)
    @click.argument("task", nargs=-1)
    @run_options
    @leaf
    def run_named(runtime, task, **options) -> None:
        raise SystemExit(run_agent(runtime, " ".join(task).strip(), name, **options))

    run_named.help = f"Run the {name} agent on TASK."
    return run_named
