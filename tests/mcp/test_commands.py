"""``opencode mcp list|tools|call|add|remove|prompts|resources`` against real servers."""

from __future__ import annotations

import json

from peers import peer, server_table


def test_add_writes_config_keeping_comments_and_list_shows_state(oc, project):
    config = project / "opencode.toml"
    config.write_text("# my settings, keep me\nmodel = \"openai/gpt-4o\"  # the usual\n")
    added = oc("mcp", "add", "time", "--json", "--", peer("mcp-server-time"), "--local-timezone", "UTC")
    assert added.code == 0, added.stderr
    assert added.record["type"] == "mcp_added"
    added = oc("mcp", "add", "ghost", "--env", "TOKEN=${GHOST_TOKEN}", "--", "/nonexistent/ghost-server")
    assert added.code == 0, added.stderr
    text = config.read_text()
    assert text.startswith("# my settings, keep me\nmodel = \"openai/gpt-4o\"  # the usual\n")
    assert '[mcp.servers.time]' in text and '"--local-timezone", "UTC"' in text and "${GHOST_TOKEN}" in text
    listed = oc("mcp", "list", "--json")
    assert listed.code == 0, listed.stderr
    rows = {r["name"]: r for r in listed.records}
    assert rows["time"]["state"] == "running", rows["time"].get("error")
    assert rows["time"]["tools"] == 2 and rows["time"]["transport"] == "stdio"
    assert rows["ghost"]["state"] == "failed" and "command not found" in rows["ghost"]["error"]
    dead = oc("mcp", "call", "ghost", "anything")
    assert dead.code == 1 and "MCP server 'ghost' is not running: command not found" in dead.stderr
    removed = oc("mcp", "remove", "ghost")
    assert removed.code == 0, removed.stderr
    assert "ghost" not in config.read_text() and "# my settings, keep me" in config.read_text()
    again = oc("mcp", "remove", "ghost")
    assert again.code == 2 and "no MCP server named 'ghost'" in again.stderr


def test_add_url_and_bad_usage(oc, project):
    added = oc("mcp", "add", "remote", "--url", "http://127.0.0.1:9/mcp", "--header", "Authorization=Bearer ${REMOTE_TOKEN}")
    assert added.code == 0, added.stderr
    assert 'url = "http://127.0.0.1:9/mcp"' in (project / "opencode.toml").read_text()
    neither = oc("mcp", "add", "x")
    assert neither.code == 2 and "either a command" in neither.stderr
    bad = oc("mcp", "add", "y", "--url", "ftp://nowhere")
    assert bad.code == 2 and "[mcp.servers.y]" in bad.stderr


def test_tools_call_prompts_resources(oc, project):
    (project / "opencode.toml").write_text(
        server_table("time", peer("mcp-server-time"), ["--local-timezone", "UTC"])
        + server_table("ev", peer("mcp-server-everything"), ["stdio"])
    )
    tools = oc("mcp", "tools", "time", "--json")
    assert tools.code == 0, tools.stderr
    assert [r["name"] for r in tools.records] == ["time_get_current_time", "time_convert_time"]
    called = oc("mcp", "call", "time", "get_current_time", '{"timezone": "UTC"}', "--json")
    assert called.code == 0, called.stderr
    assert called.record["tool"] == "time_get_current_time" and json.loads(called.record["output"])["timezone"] == "UTC"
    prompts = oc("mcp", "prompts", "ev", "--json")
    assert prompts.code == 0, prompts.stderr
    assert "simple-prompt" in {r["name"] for r in prompts.records}
    resources = oc("mcp", "resources", "--json")
    assert resources.code == 0, resources.stderr
    assert any(r["uri"].startswith("demo://") and r["server"] == "ev" for r in resources.records)
    typo = oc("mcp", "call", "time", "get_curent_time", "{}")
    assert typo.code == 2 and "has no tool 'get_curent_time'" in typo.stderr and "get_current_time" in typo.stderr
    unknown = oc("mcp", "tools", "tyme")
    assert unknown.code == 2 and "no MCP server named 'tyme'" in unknown.stderr and "time" in unknown.stderr
