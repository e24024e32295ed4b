"""``undo`` undoes a person's turn, not a model step; sessions stay out of the project's way."""

from __future__ import annotations

from pathlib import Path

from fakellm.script import Reply


def test_undo_restores_the_state_before_the_last_prompt(oc, llm_project: Path, fake_llm, keys):
    """One prompt, three model steps changing files (one through a subagent): one undo
    puts back the files as they were before the prompt, and --list shows the turns."""
    (llm_project / "a.txt").write_text("v0\n")
    fake_llm.script(
        Reply.tool_call("write", {"path": "a.txt", "content": "v1\n"}),
        Reply.tool_call("write", {"path": "a.txt", "content": "v2\n"}),
        Reply.tool_call("task", {"description": "add b", "prompt": "create b.txt", "agent": "general"}),
        Reply.tool_call("write", {"path": "b.txt", "content": "b\n"}),
        Reply.text("created b.txt"),
        Reply.text("all done"),
    )
    first = oc("run", "rewrite a.txt", "--json", "--yes", extra_env=keys)
    assert first.code == 0, first.stderr
    fake_llm.script(Reply.tool_call("write", {"path": "a.txt", "content": "v3\n"}), Reply.text("v3 now"))
    second = oc("run", "-c", "make it v3", "--json", "--yes", extra_env=keys)
    assert second.code == 0, second.stderr

    listed = oc("undo", "--list", "--json")
    assert [(r["turn"], r["prompt"]) for r in listed.records] == [(2, "make it v3"), (1, "rewrite a.txt")]
    assert oc("undo", "--list", "--format", "text").stdout.splitlines()[0].startswith("2. ")

    assert oc("undo").code == 0
    assert (llm_project / "a.txt").read_text() == "v2\n" and (llm_project / "b.txt").exists()
    assert oc("undo").code == 0
    assert (llm_project / "a.txt").read_text() == "v0\n" and not (llm_project / "b.txt").exists()
    assert oc("undo").code == 2


def test_the_sessions_folder_ignores_itself(oc, llm_project: Path, fake_llm, keys):
    """Sessions are the agent's memory: git does not track them and the search tools
    do not find them, so a model never greps its own history back."""
    fake_llm.script(Reply.text("The word is PELICAN."))
    assert oc("run", "say PELICAN", "--json", extra_env=keys).code == 0
    folder = llm_project / "docs" / "sessions"
    assert (folder / ".gitignore").read_text() == "*\n"
    found = oc("grep", "PELICAN")
    assert found.code in (0, 1) and "docs/sessions" not in found.stdout
    assert "docs/sessions" not in oc("glob", "**/*.json").stdout


def test_text_output_is_one_line_per_record(oc, llm_project: Path):
    agents = oc("agent", "list", "--format", "text").stdout.splitlines()
    assert [line.split(" ")[0] for line in agents[:4]] == ["build", "plan", "general", "explore"]
    (llm_project / "n.txt").write_text("no newline at the end")
    assert oc("read", "n.txt", "--format", "text").stdout == "no newline at the end"  # a payload stays exact
    assert oc("write", "m.txt", "--content", "x", "--format", "text").stdout.endswith("\n")
