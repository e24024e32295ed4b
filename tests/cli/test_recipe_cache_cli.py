"""The step cache, make-like, across processes: a Makefile runs a recipe twice, then
again after one input file changed; only the steps that read it run again."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from fakellm.script import Reply
from helpers import opencode_command

RECIPE = """\
[recipe]
name = "two-files"

[[steps]]
id = "read_a"
tool = "read"
with = { path = "a.py" }

[[steps]]
id = "read_b"
tool = "read"
with = { path = "b.py" }
needs = []

[[steps]]
id = "about_a"
ask = "About a: {{ steps.read_a.text }}"

[[steps]]
id = "about_b"
ask = "About b: {{ steps.read_b.text }}"

[outputs]
text = "{{ steps.about_a.text }} / {{ steps.about_b.text }}"
"""


def make(project: Path, env: dict[str, str]) -> list[dict]:
    result = subprocess.run(["make", "-s", "review"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in (project / "review.jsonl").read_text().splitlines()]


def statuses(records: list[dict]) -> dict[str, bool]:
    return {r["step"]: r["cached"] for r in records if r["type"] == "step_finish"}


def test_a_makefile_rerun_reuses_the_steps_whose_inputs_did_not_change(llm_project: Path, fake_llm, env, keys):
    (llm_project / "a.py").write_text("A = 1\n")
    (llm_project / "b.py").write_text("B = 1\n")
    (llm_project / "review.toml").write_text(RECIPE)
    command = " ".join(opencode_command())
    (llm_project / "Makefile").write_text(f"review:\n\t{command} run review.toml --cache --json > review.jsonl\n")
    full_env = {**env, **keys}
    fake_llm.script(Reply.text("first a"), Reply.text("first b"), Reply.text("second b"))

    first = make(llm_project, full_env)
    assert statuses(first) == {"read_a": False, "read_b": False, "about_a": False, "about_b": False}
    assert len(fake_llm.chat_requests) == 2

    second = make(llm_project, full_env)
    assert statuses(second) == {"read_a": True, "read_b": True, "about_a": True, "about_b": True}
    assert len(fake_llm.chat_requests) == 2 and second[-1]["text"] == first[-1]["text"]

    (llm_project / "b.py").write_text("B = 2\n")
    third = make(llm_project, full_env)
    assert statuses(third) == {"read_a": True, "read_b": False, "about_a": True, "about_b": False}
    assert len(fake_llm.chat_requests) == 3 and "B = 2" in fake_llm.chat_requests[2].text
    assert third[-1]["text"].endswith("/ second b")


def test_refresh_runs_one_step_again(oc, llm_project: Path, fake_llm, keys):
    (llm_project / "a.py").write_text("A = 1\n")
    (llm_project / "b.py").write_text("B = 1\n")
    (llm_project / "review.toml").write_text(RECIPE)
    fake_llm.script(Reply.text("a"), Reply.text("b"), Reply.text("a again"))
    assert oc("run", "review.toml", "--cache", "--json", extra_env=keys).code == 0
    again = oc("run", "review.toml", "--cache", "--refresh", "about_a", "--json", extra_env=keys)
    assert again.code == 0
    assert statuses(again.records) == {"read_a": True, "read_b": True, "about_a": False, "about_b": True}
    assert again.records[-1]["text"] == "a again / b"
