"""Running an agent on a task: ``opencode run``, ``opencode agent NAME``, a resumed
session, and later chat turns, server requests and recipe agent steps.

``AgentTask`` builds the loop for a workspace (agent, model, session, permissions,
person, undo snapshots), feeds it the prompt with any piped context, and yields the
run's records. Every run ends with a ``done`` record: after a failure before the loop
could start (no key, an unknown agent), after ``timeout`` seconds, and when the task
running it is cancelled (Ctrl-C, a client that went away); ``exit_code`` is then the
run's exit status. A run holds its session's lock (``SessionStore.locked``) from
loading it to its last save, so two runs on one session, in one process or two, take
turns; one that waits too long ends ``busy``.
"""

from __future__ import annotations

import asyncio

from .. import protocol
from ..errors import Interrupted, LimitReached, OpencodeError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

    from ..agent.agents import Agent
    from ..agent.loop import AgentLoop
    from ..agent.permissions import Permissions
    from ..agent.seams import Person
    from ..paths import PathPolicy
    from ..protocol import PipedInput
    from ..session.lock import SessionLock
    from .workspace import Workspace


class TaskOptions:
    """How to run a task. ``answers`` are the ``question`` tool's answers given in
    advance (a parsed JSON value); ``yes`` and ``allow`` approve asks."""

    def __init__(
        self,
        *,
        agent: str | None = None,
        model: str | None = None,
        max_turns: int | None = None,
        max_cost: float | None = None,
        timeout: float | None = None,
        yes: bool = False,
        allow: tuple[str, ...] | list[str] = (),
        answers: Any = None,
        continue_last: bool = False,
        session: str | None = None,
    ) -> None:
        self.agent, self.model = agent, model
        self.max_turns, self.max_cost, self.timeout = max_turns, max_cost, timeout
        self.yes, self.allow, self.answers = yes, tuple(allow), answers
        self.continue_last, self.session = continue_last, session


def ended_before_start(error: OpencodeError, reason: str = "error") -> list[dict[str, Any]]:
    """The records of a run that could not start: the error, then ``done``."""
    return [protocol.error_record(error.to_dict()), protocol.done_record(reason)]


class AgentTask:
    """One agent run on ``prompt``; ``person`` is who may be asked (None: nobody)."""

    def __init__(
        self,
        workspace: Workspace,
        prompt: str,
        options: TaskOptions | None = None,
        *,
        piped: PipedInput | None = None,
        person: Person | None = None,
    ) -> None:
        self.workspace, self.prompt, self.piped, self.person = workspace, prompt, piped, person
        self.options = options or TaskOptions()
        self.exit_code = 0
        self.loop: AgentLoop | None = None

    async def records(self) -> AsyncIterator[dict[str, Any]]:
        try:
            lock, loop, content = await self._prepare()
        except (OpencodeError, asyncio.CancelledError) as stopped:
            error = stopped if isinstance(stopped, OpencodeError) else Interrupted("interrupted")
            self.exit_code = error.exit_code
            for record in ended_before_start(error, "error" if error is stopped else "interrupted"):
                yield record
            return
        try:
            async for record in self._run(loop, content):
                yield record
        finally:
            lock.release()

    async def _prepare(self) -> tuple[SessionLock, AgentLoop, str]:
        """The loop and the prompt, with the lock of the run's session held (a
        continued session's is waited for; a new one's is free)."""
        lock = self._continued_lock()
        if lock is not None:
            await lock.acquire()
        try:
            loop, content = self._build()
            if lock is None:
                lock = self.workspace.sessions.locked(loop.session.id, wait=0)
                await lock.acquire()
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return lock, loop, content

    def _continued_lock(self) -> SessionLock | None:
        """The lock of the session this run continues (held for the whole run, so
        that two runs on one session take turns), or None for a new session."""
        store, options = self.workspace.sessions, self.options
        if options.session:
            session_id: str | None = store.resolve(options.session)[0]
        elif options.continue_last:
            latest = store.latest()
            session_id = latest.id if latest is not None else None
        else:
            return None
        return store.locked(session_id) if session_id else None

    async def _run(self, loop: AgentLoop, content: str) -> AsyncIterator[dict[str, Any]]:
        self.loop = loop
        timeout = self.options.timeout
        try:
            async with asyncio.timeout(timeout):
                async for record in loop.run(content):
                    yield record
        except TimeoutError:
            for record in loop.stop_records("timeout", LimitReached(f"stopped after the --timeout of {timeout:g} s")):
                yield record
        except asyncio.CancelledError:
            # Stopping is this run's business: it ends with its done record, and the
            # caller learns of it from that (and exit_code), not from an exception.
            for record in loop.stop_records("interrupted", Interrupted("interrupted")):
                yield record
        self.exit_code = loop.exit_code

    def _build(self) -> tuple[AgentLoop, str]:
        """The loop for this run, and the prompt with its piped context."""
        from ..agent.agents import pick_agent_from_prompt
        from .prompt import user_message

        workspace = self.workspace
        workspace.prepare_tools()
        content = user_message(self.prompt, self.piped, describe=workspace.registry.describe)
        if not content.strip():
            raise UsageError("nothing to do: give a message, or pipe something in")
        picked, content = pick_agent_from_prompt(content, workspace.agents)
        return self._loop(picked, pick_agent_from_prompt(self.prompt, workspace.agents)[1]), content

    def _loop(self, picked: str | None, asked: str) -> AgentLoop:
        """The loop; ``asked`` is the prompt itself (without piped context), which
        names a new session."""
        from ..agent.budget import Budget
        from ..agent.loop import AgentLoop, RunSetup
        from ..agent.people import PresetAnswers
        from .sessions import pick_session

        workspace, options = self.workspace, self.options
        agents = workspace.agents
        session = pick_session(workspace.sessions, options.session, options.continue_last, hint='start one with: opencode run "..."')
        resumed = session.agent if session is not None and session.agent in agents else None
        name = options.agent or picked or resumed or workspace.config.get("agent") or agents.default.name
        agent = agents.get(name)
        if agent.mode == "subagent" and options.agent is None:
            raise UsageError(f'{name} is a subagent; run it with: opencode agent {name} "..."')
        model = workspace.model(options.model or agent.model)
        if session is None:
            from ..session import title_from_prompt

            session = workspace.sessions.create(title=title_from_prompt(asked), agent=agent.name, model=model.name)
        person = PresetAnswers(options.answers, self.person) if options.answers is not None else self.person
        paths = workspace.path_policy()
        permissions = permissions_for(workspace, agent, paths, yes=options.yes, allow=options.allow, person=person)
        setup = RunSetup(
            agents=agents, model=model, client=workspace.model_client(), registry=workspace.registry,
            sink=workspace.sessions, system_prompt=workspace.system_prompts(),
            base_context=workspace.tool_context(paths=paths), snapshots=workspace.snapshots(), person=person,
        )
        budget = Budget(options.max_turns or agent.max_turns, options.max_cost, options.timeout)
        return AgentLoop(setup, agent, session, permissions, budget)


def permissions_for(
    workspace: Workspace, agent: Agent | None, paths: PathPolicy, *, yes: bool = False, allow: tuple[str, ...] = (), person: Person | None = None
) -> Permissions:
    """The permission engine of a run as ``agent`` in ``workspace``: the config's
    rules, the agent's overrides, ``--yes``/``--allow``, and who may be asked. Agent
    runs and what runs on their behalf before them (a declarative command's
    ``!`cmd```) are judged by the same rules."""
    from ..agent.permissions import Permissions
    from ..agent.protected import ProtectedPaths

    return Permissions(
        workspace.config.get("permissions", {}), agent, yes=yes, grants=allow, person=person, paths=paths,
        protected=ProtectedPaths(workspace.root, workspace.sessions.dirs),
        writers=[spec.name for spec in workspace.registry.specs() if spec.permission == "write"],
    )
