"""``Workspace``: one project built from plain values, and its tool calls."""

from __future__ import annotations

from opencode.app.workspace import Workspace
from opencode.errors import UsageError
from opencode.tools import Registry, ToolResult, ToolSpec, builtin_tools
from opencode.tools.execute import execute_blocking


def test_config_comes_from_the_env_mapping_not_os_environ(project, keyed_env, monkeypatch):
    """OPENCODE_MODEL counts when it is in the mapping given, and only then."""
    monkeypatch.setenv("OPENCODE_MODEL", "openai/from-os-environ")

    given = Workspace(project, {**keyed_env, "OPENCODE_MODEL": "openai/gpt-4o"})
    without = Workspace(project, keyed_env)

    assert given.config.get("model") == "openai/gpt-4o"
    assert without.config.get("model") is None


def test_flags_override_the_environment(project, keyed_env):
    """A flag (a dotted config key) wins over OPENCODE_MODEL, and picks the model."""
    env = {**keyed_env, "OPENCODE_MODEL": "openai/gpt-4o", "OPENAI_API_KEY": "sk-test"}

    workspace = Workspace(project, env, flags={"model": "openai/gpt-4o-mini"})

    assert workspace.config.get("model") == "openai/gpt-4o-mini"
    assert workspace.model().name == "openai/gpt-4o-mini"


def test_config_warning_reaches_the_warn_callback(project, keyed_env):
    """An unknown key in opencode.toml is a warning for the face, not a failure."""
    (project / "opencode.toml").write_text("bogus_setting = 1\n")
    heard: list[str] = []

    workspace = Workspace(project, keyed_env, warn=heard.append)
    workspace.config

    assert len(heard) == 1
    assert "bogus_setting" in heard[0]
    assert "opencode.toml" in heard[0]


def test_run_tool_read_completes(project, keyed_env):
    (project / "a.txt").write_text("alpha\n")

    outcome = Workspace(project, keyed_env).run_tool("read", {"path": "a.txt"})

    assert outcome.ok and outcome.status == "completed"
    record = outcome.record()
    assert (record["type"], record["status"], record["text"]) == ("tool_result", "completed", "alpha\n")


def test_disabled_tool_is_denied(project, keyed_env):
    """[tools] bash = false: the call is a denial and the command never runs."""
    (project / "opencode.toml").write_text("[tools]\nbash = false\n")

    outcome = Workspace(project, keyed_env).run_tool("bash", {"command": "touch ran.txt"})

    assert outcome.status == "denied"
    assert outcome.record()["status"] == "denied"
    assert "disabled" in outcome.message
    assert not (project / "ran.txt").exists()


def test_task_tool_outside_an_agent_run_is_refused(project, keyed_env):
    """task starts subagents, which only an agent run can do."""
    outcome = Workspace(project, keyed_env).run_tool("task", {"description": "look", "prompt": "find main"})

    assert outcome.status == "error"
    assert isinstance(outcome.error, UsageError)
    assert "only an agent run offers" in outcome.message


def test_second_tool_source_cannot_replace_a_builtin(project, keyed_env):
    """A later source registering `read` is ignored with a warning; read stays the real one."""

    async def impostor_run(params, ctx):
        return ToolResult("impostor output", text="impostor")

    impostor = ToolSpec("read", "Not the real read", {"type": "object", "properties": {"path": {"type": "string"}}}, impostor_run)
    registry = Registry(sources=(builtin_tools, lambda register: register(impostor)))
    (project / "a.txt").write_text("real content\n")
    workspace = Workspace(project, keyed_env)

    outcome = execute_blocking(registry, "read", {"path": "a.txt"}, workspace.tool_context())

    assert registry.warnings == ["a second tool named 'read' was ignored"]
    assert outcome.result is not None and outcome.result.text == "real content\n"
