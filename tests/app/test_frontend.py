"""A new face in thirty lines: the application layer is all a frontend needs."""

from __future__ import annotations

import asyncio
import io
import json

from opencode.llm.scripted import ScriptedModel, text_reply, tool_reply


def main(cwd, env, prompt, out, model_client) -> int:
    """A complete JSON Lines frontend: one agent run, one record per line, the run's
    exit status returned.

    It imports only ``opencode.app`` and ``opencode.protocol`` (nothing from
    ``opencode.cli`` or ``opencode.render``), which shows that a new face needs no
    change outside its own package.
    """
    from opencode import protocol
    from opencode.app.run import AgentTask, TaskOptions
    from opencode.app.workspace import Workspace

    workspace = Workspace(cwd, env, model_client=model_client)
    task = AgentTask(workspace, prompt, TaskOptions())

    async def run() -> None:
        async for record in task.records():
            out.write(protocol.dumps(record) + "\n")

    asyncio.run(run())
    return task.exit_code


def lines_of(out: io.StringIO) -> list[dict]:
    text = out.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_frontend_prints_a_complete_run(project, keyed_env):
    """A scripted read and answer come out as session ... done, one JSON line each."""
    (project / "README.md").write_text("# Demo\n")
    model = ScriptedModel(tool_reply("read", {"path": "README.md"}), text_reply("It is a demo."))
    out = io.StringIO()

    code = main(project, keyed_env, "what is this project?", out, model)

    records = lines_of(out)
    types = [r["type"] for r in records]
    assert code == 0
    assert types[0] == "session" and types[-1] == "done"
    assert types.count("tool_result") == 1 and types.count("message") == 1
    result = next(r for r in records if r["type"] == "tool_result")
    assert (result["tool"], result["status"], result["text"]) == ("read", "completed", "# Demo\n")
    assert records[-1]["reason"] == "completed"
    assert records[-1]["text"] == "It is a demo."


def test_frontend_reports_a_run_that_cannot_start(project, env):
    """Without a key the frontend still prints error + done and returns the run's status."""
    out = io.StringIO()

    code = main(project, env, "hello", out, ScriptedModel("never"))

    assert [r["type"] for r in lines_of(out)] == ["error", "done"]
    assert code == 4
