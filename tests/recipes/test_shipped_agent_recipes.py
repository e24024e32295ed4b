"""The shipped recipes whose agents edit files and run commands, end to end: the
real ``opencode`` process, a git repository, the fake model server on loopback."""

from __future__ import annotations

import ast

import scenarios
from test_shipped_recipes import finished, framed


def tool_results(result, tool: str) -> list[dict]:
    return [r for r in result.records if r["type"] == "tool_result" and r["tool"] == tool]


def test_fix_tests_fixes_the_code(oc, staged, fake_llm, keys):
    project = staged(scenarios.fix_tests)
    result = oc(*scenarios.fix_tests.command(), "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    framed(result, ["tests", "fix"])
    assert finished(result) == {"tests": "failed", "fix": "ok"}
    assert (project / "calc.py").read_text() == scenarios.BUGGY_ADD.replace("a - b", "a + b")
    # The agent was given the failing output; the check ran the tests again and they passed.
    assert "add(2, 2) is 0, expected 4" in fake_llm.chat_requests[0].text
    checks = tool_results(result, "bash")
    assert [c["metadata"]["exit_code"] for c in checks] == [1, 0]
    done = result.records[-1]
    assert done["reason"] == "done" and done["text"].endswith("The tests pass now (`python3 test_calc.py`).\n")


def test_fix_tests_retries_until_the_check_passes(oc, staged, fake_llm, keys):
    project = staged(scenarios.fix_tests)
    fake_llm.clear()
    fake_llm.script(
        scenarios.Reply.text("Looks fine to me."),  # first attempt: no change, the check fails
        scenarios.Reply.tool_call("read", {"path": "calc.py"}),
        scenarios.Reply.tool_call("edit", {"path": "calc.py", "old_string": "a - b", "new_string": "a + b"}),
        scenarios.Reply.text("Fixed: add() now adds."),
    )
    result = oc(*scenarios.fix_tests.command(), "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    fix = next(r for r in result.records if r["type"] == "step_finish" and r["step"] == "fix")
    assert fix["attempts"] == 2 and "a + b" in (project / "calc.py").read_text()
    assert "The previous attempt did not pass" in fake_llm.chat_requests[1].text
    assert "add(2, 2) is 0, expected 4" in fake_llm.chat_requests[1].text  # the check's output


def test_fix_tests_gives_up_with_exit_6(oc, staged, fake_llm, keys):
    staged(scenarios.fix_tests)
    fake_llm.clear()
    fake_llm.default = scenarios.Reply.text("I cannot see the problem.")
    result = oc(*scenarios.fix_tests.command(), "--json", extra_env=keys)
    assert result.code == 6, result.stderr
    assert len(fake_llm.chat_requests) == 3  # one attempt and two retries
    assert result.records[-1]["type"] == "done" and result.records[-1]["reason"] == "check"


def test_fix_tests_when_they_pass_calls_no_model(oc, staged, fake_llm, keys):
    project = staged(scenarios.fix_tests)
    (project / "calc.py").write_text(scenarios.BUGGY_ADD.replace("a - b", "a + b"))
    result = oc(*scenarios.fix_tests.command(), extra_env=keys)
    assert result.code == 0, result.stderr
    assert result.stdout == "The tests pass (`python3 test_calc.py`): nothing to fix.\n"
    assert fake_llm.chat_requests == []


def test_fix_tests_headless_without_a_grant_is_denied(oc, staged, fake_llm, keys):
    project = staged(scenarios.fix_tests)
    result = oc("run", "fix-tests", "-p", "test_command=python3 test_calc.py", "--json", extra_env=keys)
    assert result.code == 3, result.stderr
    assert tool_results(result, "bash")[0]["status"] == "denied"
    assert "a - b" in (project / "calc.py").read_text() and fake_llm.chat_requests == []


def test_document_adds_docstrings_file_by_file(oc, staged, fake_llm, keys):
    project = staged(scenarios.document)
    result = oc(*scenarios.document.command(), "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    framed(result, ["document"])
    assert finished(result) == {"document[0]": "ok", "document[1]": "ok", "document": "ok"}
    for name, text in (("shapes.py", scenarios.SHAPES_DOC), ("units.py", scenarios.UNITS_DOC)):
        assert (project / name).read_text() == text
        assert ast.get_docstring(ast.parse(text))
    # Each file is its own agent run, told only about that file; both checks ran per file.
    assert "to shapes.py" in fake_llm.chat_requests[0].text and "to units.py" in fake_llm.chat_requests[2].text
    assert [c["metadata"]["exit_code"] for c in tool_results(result, "bash")] == [0, 0, 0, 0]
    assert result.records[-1]["text"].startswith("## shapes.py\n\nDocumented the module, Circle")
    assert "## units.py\n\nDocumented the module and celsius_to_fahrenheit." in result.records[-1]["text"]


def test_document_sends_a_missed_docstring_back(oc, staged, fake_llm, keys):
    project = staged(scenarios.document)
    fake_llm.clear()
    half = scenarios.UNITS_DOC.replace('    """``celsius`` degrees Celsius in degrees Fahrenheit."""\n', "")
    fake_llm.script(
        scenarios.Reply.tool_call("write", {"path": "units.py", "content": half}),
        scenarios.Reply.text("Documented the module."),
        scenarios.Reply.tool_call("write", {"path": "units.py", "content": scenarios.UNITS_DOC}),
        scenarios.Reply.text("Documented celsius_to_fahrenheit too."),
    )
    result = oc("run", "document", "-p", "files=units.py", "--allow", "bash:python3 *", "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    assert "still without a docstring: celsius_to_fahrenheit" in fake_llm.chat_requests[2].text
    assert (project / "units.py").read_text() == scenarios.UNITS_DOC


def test_refactor_migrates_and_removes_the_old_function(oc, staged, fake_llm, keys):
    project = staged(scenarios.refactor)
    result = oc(*scenarios.refactor.command(), "--json", extra_env=keys)
    assert result.code == 0, result.stderr
    framed(result, ["uses", "plan", "update", "remove", "tests"])
    assert finished(result) == {"uses": "ok", "plan": "ok", "update": "ok", "remove": "ok", "tests": "ok"}
    uses = next(r for r in result.records if r["type"] == "step_finish" and r["step"] == "uses")["text"]
    assert "app.py:1:from lib import old_process" in uses and "report.py:5:" in uses and "lib.py:4:def old_process" in uses
    assert "app.py:1:from lib import old_process" in fake_llm.chat_requests[0].text
    assert scenarios.PLAN.strip() in fake_llm.chat_requests[1].text
    assert (project / "lib.py").read_text() == scenarios.LIB_NEW
    for name in ("app.py", "report.py", "lib.py"):
        assert "old_process" not in (project / name).read_text()
    assert result.records[-1]["text"].startswith("# Migrated old_process to new_process\n\n## Plan\n\n1. app.py")
