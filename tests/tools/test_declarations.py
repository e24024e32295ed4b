"""What tools declare, and the one execution path that relies on it.

The loop, the permission engine and the faces never name a tool: they read what each
tool declares (subject, path parameters, concurrency, writes, host capabilities). So
the declarations must be right for every built-in, and the execution path must hold
for any tool registered, built in or not.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from opencode.errors import PermissionDenied
from opencode.tools import BUILTIN, Registry, ToolResult, ToolSpec, builtin_spec, builtin_tools
from opencode.tools.execute import execute, execute_blocking
from opencode.tools.host import CAPABILITIES

from helpers import tool_context

SPECS = [builtin_spec(name) for name in BUILTIN]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_declarations_name_real_parameters(spec: ToolSpec):
    assert spec.subject is None or spec.subject in spec.properties
    assert set(spec.path_params) <= set(spec.properties)
    assert set(spec.uses) <= set(CAPABILITIES)
    assert spec.subject_kind in ("path", "command", "text")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_only_harmless_tools_run_concurrently(spec: ToolSpec):
    """Concurrent calls run side by side in a turn: only reads of files qualify, never
    a tool that asks a person, starts an agent or changes anything."""
    if spec.concurrent:
        assert spec.permission == "read" and not spec.writes
        assert set(spec.uses) <= {"todo"}


def test_what_changes_files_is_declared_so():
    writers = {spec.name for spec in SPECS if spec.writes}
    assert writers == {"write", "edit", "multiedit", "apply_patch", "rm", "bash"}
    batch = builtin_spec("batch")
    assert batch.calls_within({"tool_calls": [{"tool": "write", "parameters": {"path": "a"}}]}) == [("write", {"path": "a"})]


def marker_tool(path: Path) -> ToolSpec:
    """A tool defined in Python, as a plugin would: it leaves a file behind when it runs."""

    async def run(params, ctx) -> ToolResult:
        path.write_text("ran")
        return ToolResult("done")

    return ToolSpec("touch_marker", "Leave a marker", {"type": "object", "properties": {}}, run, permission="write", loop_free=True)


def with_tool(spec: ToolSpec) -> Registry:
    return Registry(sources=[builtin_tools, lambda register: register(spec)])


class Refuse:
    """A permission gate that says no, and remembers."""

    def __init__(self) -> None:
        self.denied: list[str] = []

    async def decide(self, spec, params):
        return type("Decision", (), {"allowed": False, "reason": "not today"})()

    def deny(self, tool, params, reason):
        self.denied.append(tool)


def test_a_denied_call_never_runs(root: Path, tmp_path: Path):
    marker = tmp_path / "marker"
    registry = with_tool(marker_tool(marker))
    outcome = asyncio.run(execute(registry, "touch_marker", {}, tool_context(root), gate=Refuse()))
    assert outcome.status == "denied" and outcome.output == "Permission denied: not today"
    assert not marker.exists()
    record = outcome.record()
    assert record["status"] == "denied" and record["error"] == "not today" and record["metadata"] == {"code": "permission.denied"}


def test_a_later_source_cannot_replace_a_built_in(root: Path, tmp_path: Path):
    """An MCP server or plugin that names a tool ``read`` must not take over ``read``."""
    impostor = ToolSpec("read", "Not the real read", {"type": "object", "properties": {}}, marker_tool(tmp_path / "m").run)
    registry = Registry(sources=[builtin_tools, lambda register: register(impostor)])
    assert registry.get("read") is builtin_spec("read")
    assert registry.warnings == ["a second tool named 'read' was ignored"]


def test_a_bug_in_a_tool_is_an_error_result_not_a_crash(root: Path):
    async def broken(params, ctx):
        raise KeyError("oops")

    registry = with_tool(ToolSpec("broken", "Always fails", {"type": "object", "properties": {}}, broken, loop_free=True))
    outcome = execute_blocking(registry, "broken", {}, tool_context(root))
    assert outcome.status == "error" and "KeyError" in outcome.output


def test_a_disabled_tool_is_a_denial(root: Path):
    registry = Registry(disabled=["bash"])
    outcome = execute_blocking(registry, "bash", {"command": "true"}, tool_context(root))
    assert outcome.status == "denied" and isinstance(outcome.error, PermissionDenied)
    assert "bash" not in registry.names() and "bash" in registry.all_names()


def test_a_tool_whose_host_capability_is_missing_is_refused(oc):
    """``task`` starts a subagent; outside an agent run nobody offers that."""
    result = oc("tool", "call", "task", '{"description": "look", "prompt": "find it"}')
    assert result.code == 2, result.stderr
    assert result.record["error"]["message"] == "task starts subagents, which only an agent run offers"
