"""``opencode mcp serve`` against real clients: the SDK's own and the MCP Inspector CLI,
over stdio and streamable HTTP; the tools give what the command line gives."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import opencode_command
from peers import peer

SDK_CLIENT = r"""
import asyncio, json, sys
from mcp import Client
from mcp.client.stdio import StdioServerParameters

async def main():
    target, calls = sys.argv[1], json.loads(sys.argv[2])
    server = target if target.startswith("http") else StdioServerParameters(command=target, args=["mcp", "serve"], cwd=sys.argv[3])
    out = {}
    async with Client(server, mode="legacy", read_timeout_seconds=30) as client:
        out["tools"] = {t.name: {"description": t.description, "schema": t.input_schema} for t in (await client.list_tools()).tools}
        out["prompts"] = [p.name for p in (await client.list_prompts()).prompts]
        out["calls"] = []
        for name, args in calls:
            result = await client.call_tool(name, args)
            out["calls"].append({"text": result.content[0].text, "error": result.is_error, "structured": result.structured_content})
        prompt = await client.get_prompt("explain", {"arguments": "the parser"})
        out["explain"] = prompt.messages[0].content.text
    print(json.dumps(out))

asyncio.run(main())
"""


def sdk_client(target: str, calls: list, cwd: Path, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SDK_CLIENT, target, json.dumps(calls), str(cwd)], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def sample(project: Path) -> Path:
    (project / "app.py").write_text("def greet():\n    return 'hello'\n\n# TODO: more greetings\n")
    return project


def test_sdk_client_over_stdio_read_grep_edit_match_the_cli(oc, sample, env):
    calls = [
        ["read", {"path": "app.py"}],
        ["grep", {"pattern": "TODO"}],
        ["edit", {"path": "app.py", "old_string": "'hello'", "new_string": "'goodbye'"}],
        ["bash", {"command": "echo should not run"}],
        ["task", {"description": "x", "prompt": "y"}],
    ]
    got = sdk_client(opencode_command()[0], calls, sample, env)
    assert {"read", "grep", "edit", "bash"} <= set(got["tools"]) and "task" not in got["tools"]
    assert got["tools"]["read"]["schema"]["properties"]["path"]["type"] == "string"
    assert "commit" in got["prompts"] and "recipe_review" in got["prompts"]
    read, grep, edit, bash, task = got["calls"]
    assert (sample / "app.py").read_text() == "def greet():\n    return 'goodbye'\n\n# TODO: more greetings\n"
    (sample / "app.py").write_text("def greet():\n    return 'hello'\n\n# TODO: more greetings\n")
    assert read["text"] == oc("read", "app.py", "--json").record["output"] and not read["error"]
    assert grep["text"] == oc("grep", "TODO", "--json").record["output"]
    cli_edit = oc("edit", "app.py", "--old-string", "'hello'", "--new-string", "'goodbye'", "--json").record
    assert edit["structured"]["metadata"]["diff"] == cli_edit["metadata"]["diff"]
    assert bash["error"] and "nobody can be asked over MCP" in bash["text"] and "[permissions] bash" in bash["text"]
    assert task["error"] and "agent run" in task["text"]
    assert "the parser" in got["explain"]


def test_tools_config_is_honoured(sample, env):
    (sample / "opencode.toml").write_text("[tools]\nbash = false\n[permissions]\nedit = \"deny\"\n")
    got = sdk_client(opencode_command()[0], [["edit", {"path": "app.py", "old_string": "hello", "new_string": "x"}]], sample, env)
    assert "bash" not in got["tools"] and "read" in got["tools"]
    assert got["calls"][0]["error"] and "denied" in got["calls"][0]["text"]
    assert "hello" in (sample / "app.py").read_text()


def inspector(env: dict, cwd: Path, *args: str) -> dict:
    done = subprocess.run([peer("mcp-inspector"), "--cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_inspector_cli_over_stdio(sample, env):
    """Started as the spec's Claude Desktop snippet says: "command": "opencode",
    "args": ["mcp", "serve"], found on PATH."""
    command = "opencode"
    env = {**env, "PATH": f"{Path(opencode_command()[0]).parent}{os.pathsep}{env.get('PATH', '')}"}
    listed = inspector(env, sample, command, "mcp", "serve", "--method", "tools/list")
    names = {t["name"] for t in listed["tools"]}
    assert {"read", "grep", "edit", "write", "glob"} <= names
    called = inspector(env, sample, command, "mcp", "serve", "--method", "tools/call", "--tool-name", "read", "--tool-arg", "path=app.py")
    assert called["content"][0]["text"] == "     1\tdef greet():\n     2\t    return 'hello'\n     3\t\n     4\t# TODO: more greetings"
    assert called["isError"] is False


def test_inspector_and_sdk_over_streamable_http(oc, sample, env):
    proc = subprocess.Popen(
        [*opencode_command(), "mcp", "serve", "--http", "--port", "0"], cwd=sample, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        line = proc.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/mcp", line)
        assert match, line
        url = match.group(0)
        listed = inspector(env, sample, url, "--transport", "http", "--method", "tools/list")
        assert "grep" in {t["name"] for t in listed["tools"]}
        called = inspector(env, sample, url, "--transport", "http", "--method", "tools/call", "--tool-name", "grep", "--tool-arg", "pattern=greet")
        assert called["content"][0]["text"] == oc("grep", "greet", "--json").record["output"]
        got = sdk_client(url, [["read", {"path": "app.py", "limit": 1}]], sample, env)
        assert got["calls"][0]["text"] == "     1\tdef greet():" + oc("read", "app.py", "--limit", "1", "--json").record["output"][len("     1\tdef greet():"):]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
