"""One project as every face sees it: the ``Workspace``.

Built from plain values (a working directory, an environment *mapping*, config flags,
a profile), never from ``os.environ`` or the terminal, so the CLI, chat, the server,
the MCP server, the Python API and in-process tests all get the same project the same
way. Everything is made on first use: ``opencode read`` pays for the config and the
tool registry, not for sessions, agents or the model layer.

Problems that should not stop anything (an unknown config key, an agent file with a
typo) go to ``warn``; by default they collect in ``warnings`` for the face to show.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from ..errors import OpencodeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

    from ..agent.agents import Agent, AgentSet
    from ..config import Config
    from ..llm.cache import ResponseCache
    from ..llm.client import Settings
    from ..llm.resolve import ModelChoice
    from ..llm.types import ModelClient
    from ..mcpclient.hub import Hub
    from ..paths import PathPolicy
    from ..session import SessionStore
    from ..secrets import Redactor
    from ..session.snapshot import Snapshots
    from ..tools import Registry
    from ..tools.base import ToolContext
    from ..tools.execute import ToolOutcome
    from ..tools.host import ToolHost


class Workspace:
    """The project at ``cwd``; see the module docstring.

    ``flags`` are dotted config keys set on the command line (``{"model": ...}``);
    ``model_client`` replaces litellm (a ``ScriptedModel`` in tests and demos).
    """

    def __init__(
        self,
        cwd: Path,
        env: Mapping[str, str],
        *,
        flags: Mapping[str, Any] | None = None,
        profile: str | None = None,
        warn: Callable[[str], None] | None = None,
        model_client: ModelClient | None = None,
    ) -> None:
        self.cwd = Path(cwd)
        self.env = env
        self.flags = dict(flags or {})
        self.profile = profile
        self.warnings: list[str] = []
        self.warn = warn or self.warnings.append
        self._model_client = model_client

    # -- the project -----------------------------------------------------------

    @cached_property
    def config(self) -> Config:
        from ..config import load_config

        config = load_config(self.cwd, self.env, self.flags, self.profile)
        for warning in config.warnings:
            self.warn(warning)
        return config

    @cached_property
    def root(self) -> Path:
        from ..paths import find_project_root

        return find_project_root(self.cwd)

    @cached_property
    def data_dir(self) -> Path:
        from ..config.dirs import data_dir

        return data_dir(self.env)

    def path_policy(self) -> PathPolicy:
        """A new path policy: a run may widen its own (an approved outside folder)."""
        from ..paths import PathPolicy

        permissions = self.config.get("permissions", {})
        return PathPolicy(
            root=self.root,
            cwd=self.cwd,
            external=permissions.get("external_directory", "deny"),
            allowed=[Path(p) for p in permissions.get("allowed_paths", [])],
        )

    # -- tools -------------------------------------------------------------------

    @cached_property
    def registry(self) -> Registry:
        from ..tools import Registry

        deferred = []
        if self.mcp_servers:
            from ..mcpclient.source import McpSource

            deferred.append(McpSource(lambda: self.mcp))
        return Registry.from_config(self.config, deferred=deferred, warn=self.warn)

    @cached_property
    def mcp_servers(self) -> list:
        """The MCP servers the config defines (``[mcp.servers.NAME]``), checked."""
        from ..mcpclient.config import configured_servers, named_only

        for name in named_only(self.config):
            self.warn(f"[mcp] servers names {name!r}, but a server is defined by an [mcp.servers.{name}] table; ignored")
        return configured_servers(self.config)

    @cached_property
    def mcp(self) -> Hub:
        """The run's MCP servers; none is started before a tool of theirs is needed."""
        from ..mcpclient.hub import Hub
        from ..mcpclient.tokens import TokenFile

        return Hub(self.mcp_servers, self.env, self.root, self.data_dir / "mcp" / "logs", self.warn, TokenFile(self.data_dir))

    def prepare_tools(self) -> None:
        """A run that will list its tools says so early: the MCP servers begin to
        start now, in the background, overlapping the rest of its set-up."""
        if self.mcp_servers:
            self.mcp.start_soon()

    def close(self) -> None:
        """End what the run started: the MCP servers and their process groups."""
        if "mcp" in self.__dict__:
            self.mcp.close()

    def tool_context(self, *, paths: PathPolicy | None = None, host: ToolHost | None = None) -> ToolContext:
        """Where a tool call runs: the project's paths, data dir, config and env, and
        a host (by default the stand-alone one: other tools and the project's todos)."""
        from ..tools.base import ToolContext
        from ..tools.host import ToolHost

        return ToolContext(
            paths=paths or self.path_policy(),
            data_dir=self.data_dir,
            config=self.config,
            env=self.env,
            host=host or ToolHost(self.registry),
            private=lambda: tuple(self.sessions.dirs),
            redactor=lambda: self.redactor,
        )

    def run_tool(self, name: str, params: dict[str, Any]) -> ToolOutcome:
        """One tool call from synchronous code, as ``opencode tool call`` makes it."""
        from ..tools.execute import execute_blocking

        return execute_blocking(self.registry, name, params, self.tool_context())

    async def call_tool(self, name: str, params: dict[str, Any]) -> ToolOutcome:
        """One tool call from async code (the server, recipes)."""
        from ..tools.execute import execute

        return await execute(self.registry, name, params, self.tool_context())

    # -- sessions and agents -----------------------------------------------------

    @cached_property
    def sessions(self) -> SessionStore:
        from ..session import SessionStore

        return SessionStore.open(self.config, self.cwd, self.data_dir, self.env, redactor=self.redactor)

    @cached_property
    def redactor(self) -> Redactor:
        """What masks secrets in everything sessions keep: the environment's
        credentials, the variables the config names as keys, the stored keys."""
        from ..llm.auth import AuthStore
        from ..llm.providers import PROVIDERS
        from ..secrets import Redactor

        tables = self.config.get("provider", {})
        names = [t.get("api_key_env") for t in tables.values() if isinstance(t, dict) and t.get("api_key_env")]
        names += [p.key_env for p in PROVIDERS.values() if p.key_env]
        store = AuthStore(self.data_dir)
        try:
            stored = [store.get(name) for name in store.providers()]
        except OpencodeError:
            stored = []  # an unreadable auth file: the commands that need a key say so
        if self.config.get("mcp.servers"):
            from ..mcpclient.config import secret_values

            stored += secret_values(self.config, self.env)  # MCP servers' env and headers
        return Redactor(self.env, names=names, values=[v for v in stored if v])

    def snapshots(self) -> Snapshots:
        """The undo snapshots of this project, never covering the session files."""
        from ..session.snapshot import Snapshots

        return Snapshots(self.root, self.data_dir, exclude=self.sessions.dirs, env=self.env)

    @cached_property
    def agents(self) -> AgentSet:
        from ..agent.agents import load_agents

        agents = load_agents(self.config, self.root, self.env)
        for warning in agents.warnings:
            self.warn(warning)
        return agents

    def system_prompts(self) -> Callable[[Agent], str]:
        """``prompt(agent)``: an agent's system prompt, built once per agent."""
        from ..agent.instructions import build_system_prompt

        built: dict[str, str] = {}

        def prompt(agent: Agent) -> str:
            if agent.name not in built:
                made = build_system_prompt(agent, self.root, self.cwd, self.config, self.env)
                for warning in made.warnings:
                    self.warn(warning)
                built[agent.name] = made.text
            return built[agent.name]

        return prompt

    # -- models ------------------------------------------------------------------

    def model(self, name: str | None = None) -> ModelChoice:
        """The model a call goes to: ``name`` (``provider/model``), else the config's."""
        from ..llm.auth import AuthStore
        from ..llm.resolve import resolve_model

        # A client that never reaches a provider (a replay, a scripted model that says
        # so) needs no key: a recorded recipe runs on a machine that has none.
        credentials = getattr(self._model_client, "needs_credentials", True)
        return resolve_model(self.config, self.env, AuthStore(self.data_dir), name, credentials=credentials)

    @cached_property
    def llm_settings(self) -> Settings:
        from ..llm.client import Settings

        return Settings.from_config(self.config)

    def swap_model_client(self, client: ModelClient | None) -> ModelClient | None:
        """Send this workspace's model calls to ``client`` (None: the default again);
        returns the one it replaces, to put back. A recipe's recording wraps the real
        client for one run, a replay stands in for it."""
        previous, self._model_client = self._model_client, client
        return previous

    def model_client(self) -> ModelClient:
        if self._model_client is None:
            from ..llm.client import LiteLLMClient

            self._model_client = LiteLLMClient(self.llm_settings)
        return self._model_client

    def response_cache(self, enabled: bool | None = None) -> ResponseCache | None:
        """The response cache when ``enabled`` (None: as ``[cache] enabled`` says)."""
        if not (enabled if enabled is not None else bool(self.config.get("cache.enabled", False))):
            return None
        from ..llm.cache import ResponseCache

        return ResponseCache(self.data_dir)
