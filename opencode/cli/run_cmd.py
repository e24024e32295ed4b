"""``opencode run MESSAGE`` and ``opencode agent [list | NAME TASK]``: headless agent runs."""

from __future__ import annotations

import click

from .clickutil import leaf


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


def _go(runtime, agent: str | None, message: tuple[str, ...], **options) -> None:
    from .agentrun import RunOptions, run_agent

    raise SystemExit(run_agent(runtime, " ".join(message).strip(), RunOptions(agent=agent, **options)))


@click.command("run")
@click.argument("message", nargs=-1)
@click.option("--agent", "agent_name", help="The primary agent to use (default: build)")
@run_options
@leaf
def run(runtime, message, agent_name, **options) -> None:
    """Run the agent on MESSAGE without a person watching; stdin becomes context.

    \b
      opencode run "make the failing test pass" --yes --max-turns 30
      git diff | opencode run "review this change" --json | jq -c 'select(.type=="tool_call")'
    """
    _go(runtime, agent_name, message, **options)


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
    from ..agent.agents import agent_summary_records, load_agents

    agents = load_agents(runtime.config, runtime.project_root, runtime.env)
    for warning in agents.warnings:
        runtime.diag.warning(warning)
    for record in agent_summary_records(agents):
        runtime.emit(record)


def _named_agent(name: str) -> click.Command:
    @click.command(name)
    @click.argument("task", nargs=-1)
    @run_options
    @leaf
    def run_named(runtime, task, **options) -> None:
        _go(runtime, name, task, **options)

    run_named.help = f"Run the {name} agent on TASK."
    return run_named
