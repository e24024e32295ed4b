"""Agent runs and the sandbox: read-only agents run their commands in the read-only
sandbox (the permission rules may let a command through with ``--yes``, the kernel
still refuses its writes), and what the sandbox cannot do here is a warning."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from fakellm.script import Reply
from helpers import opencode_command
from sandboxing import needs_landlock, refused_namespaces

pytestmark = needs_landlock


def session_file(project: Path, session_id: str) -> dict:
    found = list((project / "docs" / "sessions").glob(f"session_*_{session_id[:8]}.json"))
    assert len(found) == 1, found
    return json.loads(found[0].read_text())


def bash_results(result) -> list[dict]:
    return [r for r in result.records if r["type"] == "tool_result" and r["tool"] == "bash"]


def test_plan_agent_cannot_create_a_file_even_with_yes(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(
        Reply.tool_call("bash", {"command": "touch made-by-plan; python3 -c 'open(\"made-by-python\", \"w\")'"}),
        Reply.text("I could not write."),
    )
    result = oc("agent", "plan", "make files", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    assert not (llm_project / "made-by-plan").exists() and not (llm_project / "made-by-python").exists()
    ran = bash_results(result)[0]
    assert ran["status"] == "completed" and ran["metadata"]["exit_code"] != 0
    assert ran["metadata"]["sandbox"] == "read-only"


def test_build_agent_writes_inside_the_project(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(Reply.tool_call("bash", {"command": "touch made-by-build"}), Reply.text("made"))
    result = oc("run", "make a file", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    assert (llm_project / "made-by-build").exists()
    assert bash_results(result)[0]["metadata"]["sandbox"] == "workspace-write"


def test_explore_subagent_runs_commands_read_only(oc, llm_project: Path, fake_llm, keys):
    fake_llm.script(
        Reply.tool_call("task", {"description": "look", "prompt": "Look around.", "agent": "explore"}),
        Reply.tool_call("bash", {"command": "touch made-by-explore"}),
        Reply.text("could not write"),
        Reply.text("The subagent looked."),
    )
    result = oc("run", "look around", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    assert not (llm_project / "made-by-explore").exists()
    task = [r for r in result.records if r["type"] == "tool_result" and r["tool"] == "task"][0]
    child = session_file(llm_project, task["metadata"]["session_id"])
    ran = [p for m in child["messages"] for p in m["parts"] if p["type"] == "tool" and p["tool"] == "bash"][0]
    assert ran["status"] == "completed", ran
    assert "ermission denied" in ran["output"] or "Read-only" in ran["output"], ran


def test_a_shortfall_of_the_sandbox_is_a_warning_on_stderr(llm_project: Path, fake_llm, keys, env, tmp_path: Path):
    """Where user namespaces are refused, the run's person reads once what Landlock
    alone cannot do (here: opencode under a user namespace whose user is unmapped)."""
    prefix = refused_namespaces(tmp_path)
    fake_llm.script(Reply.tool_call("bash", {"command": "true"}), Reply.tool_call("bash", {"command": "true"}), Reply.text("done"))
    done = subprocess.run(
        [*prefix, *opencode_command(), "run", "run true twice", "--yes"],
        cwd=llm_project, env={**env, **keys}, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("user namespaces are refused") == 1, done.stderr
