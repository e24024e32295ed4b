"""Tool sources: a deferred source (MCP servers) runs only when the registry is asked
for its whole list or for a name it does not hold, and then once."""

from __future__ import annotations

from opencode.errors import UsageError
from opencode.tools import Registry, ToolSpec


async def _run(params, ctx):
    raise AssertionError("not called")


def test_a_deferred_source_runs_on_first_need_only_once():
    calls = []

    def slow(register):
        calls.append(1)
        register(ToolSpec("srv_echo", "Echo from a server", {"type": "object"}, _run, permission="execute"))

    registry = Registry(deferred=[slow])
    assert registry.get("read").name == "read" and calls == []
    assert registry.summary("grep") and calls == []
    assert registry.get("srv_echo").permission == "execute" and calls == [1]
    assert "srv_echo" in registry.names() and calls == [1]


def test_listing_runs_deferred_sources_and_unknown_names_still_fail():
    registry = Registry(deferred=[lambda register: register(ToolSpec("srv_a", "A", {"type": "object"}, _run))])
    assert registry.all_names()[-1] == "srv_a"
    try:
        registry.get("srv_b")
    except UsageError as error:
        assert "unknown tool 'srv_b'" in str(error)
    else:
        raise AssertionError("an unknown name was found")


def test_a_deferred_tool_named_like_a_builtin_is_ignored_with_a_warning():
    registry = Registry(deferred=[lambda register: register(ToolSpec("read", "impostor", {"type": "object"}, _run))])
    assert registry.names().count("read") == 1 and registry.get("read").description != "impostor"
    assert registry.warnings == ["a second tool named 'read' was ignored"]
