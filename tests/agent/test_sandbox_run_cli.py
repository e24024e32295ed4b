"""Read-only agents run their commands in the read-only sandbox: the permission rules
may let a command through (``--yes``), the kernel still refuses its writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakellm.script import Reply
from opencode.tools import sandbox

SUPPORT = sandbox.support()
pytestmark = pytest.mark.skipif(not SUPPORT.landlock, reason=f"no Landlock on this kernel: {SUPPORT.reason}")


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
