"""Running an agent headless: ``opencode run``, ``opencode agent NAME``, session resume.

Builds the loop from the runtime (config, agents, model, permissions, session, undo
snapshots), feeds it the prompt with any piped context, and writes its records: all of
them with ``--json``; otherwise only the final answer on stdout and progress on
stderr. Budgets and Ctrl-C end the run with a ``done`` record too.
"""

from __future__ import annotations

import asyncio
import json
import sys

from .. import protocol
from ..errors import Interrupted, LimitReached, OpencodeError, ToolError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class RunOptions:
    def __init__(
        self,
        *,
        agent: str | None = None,
        model: str | None = None,
        max_turns: int | None = None,
        max_cost: float | None = None,
        timeout: float | None = None,
        yes: bool = False,
        allow: tuple[str, ...] = (),
        answers: str | None = None,
        continue_last: bool = False,
        session: str | None = None,
    ) -> None:
        self.agent, self.model = agent, model
        self.max_turns, self.max_cost, self.timeout = max_turns, max_cost, timeout
        self.yes, self.allow, self.answers = yes, allow, answers
        self.continue_last, self.session = continue_last, session


def run_agent(runtime, prompt: str, options: RunOptions) -> int:
    """Run one headless agent task; returns the exit status.

    A failure before the loop starts (no key, an unknown agent) still ends with an
    ``error`` and a ``done`` record, like every run.
    """
    if runtime.format is None and runtime.mode == "jsonl":
        # Headless runs in a pipe print only the answer unless --json asks for the
        # event stream: `opencode run "write a haiku" > haiku.txt` just works.
        runtime.format = "text"
    view = _View(runtime)
    try:
        loop, content = _build(runtime, prompt, options)
    except OpencodeError as error:
        return _ended_before_start(view, error, "error")
    except KeyboardInterrupt:  # e.g. while waiting for a slow command upstream of the pipe
        return _ended_before_start(view, Interrupted("interrupted"), "interrupted")
    try:
        asyncio.run(_drive(loop, content, options.timeout, view))
    except KeyboardInterrupt:
        for record in loop.stop_records("interrupted", Interrupted("interrupted")):
            view.show(record)
    return loop.exit_code


def _ended_before_start(view, error: OpencodeError, reason: str) -> int:
    view.show(protocol.error_record(error.to_dict()))
    view.show(protocol.record("done", reason=reason, session_id=None, usage={}, cost_usd=None, duration_ms=0, turns=0, denials=[], warnings=[], text=""))
    return error.exit_code


def _build(runtime, prompt: str, options: RunOptions):
    """The loop for this run, and the prompt with its piped context."""
    from ..agent.agents import pick_agent_from_prompt

    content = _with_piped_context(runtime, prompt)
    agents = _agents(runtime)
    picked, content = pick_agent_from_prompt(content, agents)
    return make_loop(runtime, options, agents=agents, picked=picked), content


def _agents(runtime):
    from ..agent.agents import load_agents

    agents = load_agents(runtime.config, runtime.project_root, runtime.env)
    for warning in agents.warnings:
        runtime.diag.warning(warning)
    return agents


def make_loop(runtime, options: RunOptions, *, agents=None, picked: str | None = None):
    """An agent loop for ``options``: a new session, or the one to continue."""
    from ..agent.loop import AgentLoop, Budget
    from ..agent.permissions import Permissions
    from ..session.store import SessionStore
    from .llmrun import llm_deps

    agents = agents or _agents(runtime)
    store = SessionStore.for_runtime(runtime)
    session = _session(store, options)
    name = options.agent or picked or (session.agent if session is not None and session.agent else None) or runtime.config.get("agent") or agents.default.name
    agent = agents.get(name)
    if agent.mode == "subagent" and options.agent is None:
        raise UsageError(f"{name} is a subagent; run it with: opencode agent {name} \"...\"")
    model, settings, _ = llm_deps(runtime, options.model or agent.model)
    if session is None:
        session = store.create(agent=agent.name, model=model.name)
    interactive = _interactive(runtime)
    asker = _terminal_asker(runtime) if interactive else None
    ctx = runtime.tool_context(read_files={})
    permissions = Permissions(runtime.config.get("permissions", {}), agent, yes=options.yes, grants=options.allow, asker=asker, paths=ctx.paths)
    if options.answers is not None:
        ctx.extras["answers"] = _answers(options.answers)
    elif interactive:
        ctx.extras["ask_user"] = _terminal_question(runtime)
    return AgentLoop(
        agent=agent, agents=agents, model=model, settings=settings, registry=runtime.registry(), ctx=ctx, session=session,
        store=store, permissions=permissions, system_prompt=_system_prompt(runtime),
        budget=Budget(options.max_turns or getattr(agent, "max_turns", None), options.max_cost, options.timeout),
        snapshots=snapshots_for(runtime, store), asker=asker,
    )


def snapshots_for(runtime, store):
    """The undo snapshots of this project, never covering the session files themselves."""
    from ..session.snapshot import Snapshots

    return Snapshots(runtime.project_root, runtime.data_dir, exclude=store.dirs)


async def _drive(loop, content: str, timeout: float | None, view) -> None:
    try:
        async with asyncio.timeout(timeout):
            async for record in loop.run(content):
                view.show(record)
    except TimeoutError:
        for record in loop.stop_records("timeout", LimitReached(f"stopped after the --timeout of {timeout:g} s")):
            view.show(record)


def _with_piped_context(runtime, prompt: str) -> str:
    from ..context import user_message

    piped = runtime.read_stdin()
    if piped is not None and piped.errors:
        first = piped.errors[0].get("error", {})
        raise ToolError(f"the piped input is an error: {first.get('message', 'unknown error')}", hint="the command before the pipe failed")
    content = user_message(prompt, piped)
    if not content.strip():
        raise UsageError("nothing to do: give a message, or pipe something in")
    return content


def _session(store, options: RunOptions):
    if options.session:
        return store.load(options.session)
    if options.continue_last:
        latest = store.latest()
        if latest is None:
            raise UsageError("no session to continue here", hint="start one with: opencode run \"...\"")
        return latest
    return None


def _system_prompt(runtime):
    from ..agent.instructions import build_system_prompt

    cache: dict[str, str] = {}

    def build(agent) -> str:
        if agent.name not in cache:
            prompt = build_system_prompt(agent, runtime.project_root, runtime.cwd, runtime.config, runtime.env)
            for warning in prompt.warnings:
                runtime.diag.warning(warning)
            cache[agent.name] = prompt.text
        return cache[agent.name]

    return build


def _answers(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise UsageError(f"--answers is not valid JSON: {exc}") from None


def _interactive(runtime) -> bool:
    try:
        return bool(runtime.stdin and runtime.stdin.isatty() and runtime.stderr.isatty())
    except ValueError:
        return False


def _terminal_asker(runtime):
    async def ask(tool: str, params: dict, pattern: str) -> str:
        import questionary
        from prompt_toolkit.output import create_output

        subject = params.get("command") or params.get("path") or json.dumps(params)[:200]
        label = {"doom_loop": "The same tool call repeats. Keep going?", "plan_exit": "Leave the read-only plan agent and start changing files?"}.get(tool, f"Allow {tool}: {subject}?")
        choices = ["Allow once", f"Always allow {pattern}", "Deny"] if tool not in ("doom_loop", "plan_exit") else ["Allow once", "Deny"]
        answer = await questionary.select(label, choices=choices, output=create_output(stdout=sys.stderr)).ask_async()
        return {"Allow once": "once", "Deny": "deny", None: "deny"}.get(answer, "always")

    return ask


def _terminal_question(runtime):
    async def ask(question: dict) -> Any:
        import questionary
        from prompt_toolkit.output import create_output

        output = create_output(stdout=sys.stderr)
        if question.get("options"):
            if question.get("multiple"):
                return await questionary.checkbox(question["question"], choices=question["options"], output=output).ask_async() or []
            return await questionary.select(question["question"], choices=question["options"], output=output).ask_async()
        return await questionary.text(question["question"], output=output).ask_async()

    return ask


class _View:
    """Where records go: every record with --json, else the answer and some progress."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime

    def show(self, record: dict) -> None:
        runtime = self.runtime
        if runtime.mode == "jsonl":
            runtime.emit(record)
            return
        kind = record["type"]
        if kind == "tool_call":
            from ..protocol import describe_input

            self._progress(f"→ {record['tool']} {describe_input(record['input'])}".rstrip())
        elif kind == "tool_result" and record.get("status") in ("error", "denied"):
            runtime.diag.warning(f"{record['tool']}: {record.get('error')}")
        elif kind == "message":
            if runtime.mode == "human":
                from .render import render_markdown

                render_markdown(record["text"], runtime)
            else:
                text = record["text"]
                runtime.stdout.write(text if text.endswith("\n") else text + "\n")
                runtime.stdout.flush()
        elif kind == "error":
            runtime.diag.error(record["error"]["message"], record["error"].get("hint"))
        elif kind == "done":
            self._summary(record)

    def _progress(self, line: str) -> None:
        """A progress line on stderr: what the agent is doing, for the person or the CI
        log watching (not a warning, so not behind ``-v``; ``-q`` silences it)."""
        runtime = self.runtime
        if runtime.quiet:
            return
        try:
            runtime.stderr.write(line + "\n")
            runtime.stderr.flush()
        except (BrokenPipeError, ValueError):
            pass

    def _summary(self, record: dict) -> None:
        runtime = self.runtime
        if record.get("denials"):
            for denial in record["denials"]:
                runtime.diag.warning(f"denied {denial['tool']}: {denial['reason']}")
        if runtime.quiet or not (runtime.verbose or runtime.stderr.isatty()):
            return
        from .usage_fmt import describe

        line = describe(record["usage"], record["cost_usd"], record["duration_ms"], f"{record['turns']} turns", runtime.config.get("ui.language", "en"))
        runtime.diag.info(f"{record['reason']} · {line} · session {record['session_id'][:8]}")

