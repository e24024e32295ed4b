"""The MCP client against real third-party servers, through the opencode process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from fakellm import Reply
from peers import fixture_server, peer, server_table, start_everything_http, stop


def configure(project: Path, *tables: str) -> None:
    config = project / "opencode.toml"
    before = config.read_text() if config.exists() else ""
    config.write_text(before + "\n" + "\n".join(tables))


def test_tool_call_on_the_time_server(oc, project):
    configure(project, server_table("time", peer("mcp-server-time"), ["--local-timezone", "UTC"]))
    result = oc("tool", "call", "time_get_current_time", '{"timezone": "Asia/Tokyo"}', "--json")
    assert result.code == 0, result.stderr
    record = result.record
    assert record["type"] == "tool_result" and record["status"] == "completed"
    assert json.loads(record["output"])["timezone"] == "Asia/Tokyo"
    assert record["metadata"]["mcp_server"] == "time"


def test_tools_join_the_registry_with_schema_and_kind(oc, project):
    configure(
        project,
        server_table("time", peer("mcp-server-time")),
        server_table("fs", peer("mcp-server-filesystem"), [str(project)], permission="read"),
    )
    listed = oc("tool", "list", "--json")
    assert listed.code == 0, listed.stderr
    tools = {r["name"]: r for r in listed.records}
    assert "read" in tools and tools["time_convert_time"]["permission"] == "execute"
    assert tools["fs_read_text_file"]["permission"] == "read"
    schema = oc("tool", "schema", "time_convert_time", "--json").record
    assert set(schema["parameters"]["required"]) >= {"source_timezone", "time", "target_timezone"}


def test_filesystem_server_reads_a_file(oc, project):
    (project / "notes.txt").write_text("first line\nsecond\n")
    configure(project, server_table("fs", peer("mcp-server-filesystem"), [str(project)]))
    result = oc("tool", "call", "fs_read_text_file", json.dumps({"path": str(project / "notes.txt")}), "--json")
    assert result.code == 0, result.stderr
    assert result.record["text"] == "first line\nsecond\n"


def test_git_server_over_stdio(oc, project):
    (project / "a.txt").write_text("x\n")
    subprocess.run(["git", "-C", str(project), "add", "a.txt"], check=True)
    configure(project, server_table("git", peer("mcp-server-git"), ["--repository", str(project)]))
    result = oc("tool", "call", "git_git_status", json.dumps({"repo_path": str(project)}), "--json")
    assert result.code == 0, result.stderr
    assert "a.txt" in result.record["output"]


def test_everything_over_stdio_and_streamable_http(oc, project, tmp_path):
    configure(project, server_table("ev", peer("mcp-server-everything"), ["stdio"]))
    result = oc("tool", "call", "ev_echo", '{"message": "over stdio"}', "--json")
    assert result.code == 0, result.stderr
    assert "over stdio" in result.record["output"]
    proc, url = start_everything_http(tmp_path)
    try:
        (project / "opencode.toml").write_text(f'[mcp.servers.remote]\nurl = "{url}"\nheaders = {{ X-Test = "${{TEST_HEADER}}" }}\n')
        result = oc("tool", "call", "remote_get-sum", '{"a": 2, "b": 40}', "--json", extra_env={"TEST_HEADER": "yes"})
        assert result.code == 0, result.stderr
        assert "42" in result.record["output"]
        listed = {r["name"]: r for r in oc("tool", "list", "--json").records}
        assert listed["remote_echo"]["permission"] == "network"
    finally:
        stop(proc)


def test_an_sse_only_server_is_reached_over_sse(oc, project, tmp_path):
    proc, url = start_everything_http(tmp_path, "sse")
    try:
        (project / "opencode.toml").write_text(f'[mcp.servers.old]\nurl = "{url}"\n')
        result = oc("mcp", "call", "old", "echo", '{"message": "over sse"}', "--json")
        assert result.code == 0, result.stderr
        assert "over sse" in result.record["output"]
    finally:
        stop(proc)


def test_recipe_step_and_permissions_see_mcp_tools(oc, llm_project, fake_llm, keys):
    configure(llm_project, server_table("time", peer("mcp-server-time"), ["--local-timezone", "UTC"]))
    recipe = llm_project / "when.toml"
    recipe.write_text(
        '[recipe]\nname = "when"\ndescription = "The time in a zone"\n'
        "[[steps]]\n"
        'id = "now"\n'
        'tool = "time_convert_time"\n'
        'with = { source_timezone = "UTC", time = "08:15", target_timezone = "Asia/Tokyo" }\n'
    )
    ran = oc("run", "when.toml", "--json", extra_env=keys)
    assert ran.code == 0, ran.stderr
    results = [r for r in ran.records if r["type"] == "tool_result"]
    assert results and results[0]["tool"] == "time_convert_time" and "17:15" in results[0]["output"]
    configure(llm_project, "[permissions]\ntime_convert_time = \"deny\"\n")
    fake_llm.script(Reply.tool_call("time_convert_time", {"source_timezone": "UTC", "time": "08:15", "target_timezone": "Asia/Tokyo"}), Reply.text("denied"))
    denied = oc("run", "convert", "--json", "--yes", extra_env=keys)
    assert denied.code == 0, denied.stderr
    statuses = [r["status"] for r in denied.records if r["type"] == "tool_result"]
    assert statuses == ["denied"]


def test_agent_run_calls_an_mcp_tool_and_the_model_reads_it(oc, llm_project, fake_llm, keys):
    configure(llm_project, server_table("time", peer("mcp-server-time"), ["--local-timezone", "UTC"]))
    fake_llm.script(
        Reply.tool_call("time_convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Kolkata"}),
        Reply.text("It is 17:30 in India."),
    )
    result = oc("run", "what time is noon UTC in India?", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    assert "time_convert_time" in fake_llm.chat_requests[0].tool_names
    done = [r for r in result.records if r["type"] == "tool_result"]
    assert [r["status"] for r in done] == ["completed"] and done[0]["tool"] == "time_convert_time"
    assert "17:30" in fake_llm.chat_requests[1].text


def test_a_missing_command_is_a_warning_and_the_rest_works(oc, project):
    configure(
        project,
        server_table("ghost", "/nonexistent/mcp-ghost-server"),
        server_table("time", peer("mcp-server-time")),
    )
    result = oc("tool", "call", "time_get_current_time", '{"timezone": "UTC"}', "--json")
    assert result.code == 0, result.stderr
    assert "MCP server 'ghost' did not start" in result.stderr and "command not found" in result.stderr
    missing = oc("tool", "call", "ghost_anything", "{}", "--json")
    assert missing.code == 2 and "unknown tool 'ghost_anything'" in missing.stderr


def test_a_server_that_never_answers_times_out(oc, project):
    command, args = fixture_server("silent")
    configure(project, server_table("mute", command, args, timeout=2), server_table("time", peer("mcp-server-time")))
    result = oc("tool", "list", "--json", timeout=60)
    assert result.code == 0, result.stderr
    assert "MCP server 'mute' did not start" in result.stderr and "timeout" in result.stderr
    assert "time_get_current_time" in {r["name"] for r in result.records}


def test_a_server_that_exits_mid_call_is_a_tool_error(oc, project):
    command, args = fixture_server("flaky")
    configure(project, server_table("flaky", command, args, timeout=5))
    result = oc("tool", "call", "flaky_die", "{}", "--json", timeout=60)
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "flaky" in result.stderr
    hung = oc("tool", "call", "flaky_hang", "{}", "--json", timeout=60)
    assert hung.code == 1 and "timed out" in hung.stderr and "flaky" in hung.stderr


def test_an_agent_keeps_going_when_a_server_dies_mid_call(oc, llm_project, fake_llm, keys):
    command, args = fixture_server("flaky")
    configure(llm_project, server_table("flaky", command, args, timeout=5))
    fake_llm.script(Reply.tool_call("flaky_die", {}), Reply.text("The server went away."))
    result = oc("run", "call die", "--json", "--yes", extra_env=keys, timeout=60)
    assert result.code == 0, result.stderr
    failed = [r for r in result.records if r["type"] == "tool_result"][0]
    assert failed["status"] == "error" and "flaky" in failed["error"]
    assert "flaky" in fake_llm.chat_requests[1].text


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[-1][0] != "Z"  # a zombie has ended


def test_the_server_process_group_ends_with_the_run(oc, project):
    command, args = fixture_server("flaky")
    configure(project, server_table("flaky", command, args))
    result = oc("tool", "call", "flaky_pid", "{}", "--json")
    assert result.code == 0, result.stderr
    pid = int(result.record["output"])
    assert not alive(pid), f"the MCP server {pid} outlived the run"
    result = oc("tool", "call", "flaky_spawn", "{}", "--json")
    assert result.code == 0, result.stderr
    child = int(result.record["output"])
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child), f"the server's child {child} outlived the run"


def test_a_malformed_entry_is_a_config_error_naming_it(oc, project):
    configure(project, "[mcp.servers.broken]\nargs = [\"x\"]\n")
    result = oc("tool", "list", "--json")
    assert result.code == 2
    assert "[mcp.servers.broken]" in result.stderr and "command" in result.stderr
    assert "Traceback" not in result.stderr
    (project / "opencode.toml").write_text('[mcp.servers.typed]\ncommand = 3\n')
    result = oc("tool", "list", "--json")
    assert result.code == 2 and "mcp.servers.typed.command must be string" in result.stderr


def test_read_does_not_import_the_sdk_with_servers_configured(project, env):
    configure(project, server_table("time", peer("mcp-server-time")))
    (project / "a.txt").write_text("hello\n")
    probe = (
        "import sys\n"
        "from opencode.cli.entry import run\n"
        "code = run(['read', 'a.txt', '--json'])\n"
        "print('MCP-LOADED' if 'mcp' in sys.modules else 'MCP-ABSENT', code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "MCP-ABSENT 0" in done.stdout and '"hello\\n"' in done.stdout


def test_env_secrets_are_expanded_and_kept_out_of_sessions(oc, llm_project, fake_llm, keys):
    configure(llm_project, server_table("ev", peer("mcp-server-everything"), ["stdio"]) + 'env = { EV_PROBE = "${MY_SERVICE_VALUE}" }\n')
    secret = "v4lue-that-must-stay-hidden"
    fake_llm.script(Reply.tool_call("ev_get-env", {}), Reply.text("seen"))
    result = oc("run", "show env", "--json", "--yes", extra_env={**keys, "MY_SERVICE_VALUE": secret})
    assert result.code == 0, result.stderr
    assert secret in fake_llm.chat_requests[1].text or "EV_PROBE" in fake_llm.chat_requests[1].text
    done = result.records[-1]
    sessions = list((llm_project / "docs" / "sessions").glob(f"session_*_{done['session_id'][:8]}.json"))
    assert len(sessions) == 1
    stored = sessions[0].read_text()
    assert "EV_PROBE" in stored and secret not in stored
