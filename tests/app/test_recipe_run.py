"""Running recipes in-process: every step kind, ordering and concurrency, retries with
feedback, budgets, dry runs, sub-recipes, and the attacks a hostile value could try.

The model is the packaged ``ScriptedModel``; tools, permissions and the shell are real.
"""

from __future__ import annotations

from pathlib import Path

from opencode.llm.scripted import text_reply, tool_reply

from app_helpers import ScriptedPerson, user_texts
from recipe_helpers import finishes, run_recipe, write_recipe

#: A shell loop that proves two steps overlap: each marks its start, then waits (at
#: most 20 s) for the other's mark. Run one after the other, the first would time out.
MEET = (
    "touch {me}.started; for i in $(seq 200); do [ -f {other}.started ] && exit 0; sleep 0.1; done; exit 1"
)


def test_a_tool_step_feeds_an_ask_step_and_the_recipe_ends_with_done(workspace_for, project: Path):
    (project / "main.py").write_text("print('hi')\n")
    harness = workspace_for("It prints hi.")
    run = run_recipe(harness, """
        [recipe]
        name = "explain"
        [params.file]
        type = "path"
        default = "main.py"
        [[steps]]
        id = "source"
        tool = "read"
        with = { path = "{{ params.file }}" }
        [[steps]]
        id = "explain"
        ask = "Explain this file:\\n{{ steps.source.text }}"
    """)
    assert run.exit_code == 0
    assert run.records[0]["type"] == "recipe_start" and run.records[0]["steps"] == ["source", "explain"]
    assert run.done["reason"] == "done" and run.done["text"] == "It prints hi."
    assert user_texts(harness.model.requests[0]) == ["Explain this file:\nprint('hi')\n"]
    assert {k: r["status"] for k, r in finishes(run).items()} == {"source": "ok", "explain": "ok"}
    tool_results = run.of("tool_result")
    assert tool_results[0]["recipe_step"] == "source"


def test_a_shell_step_quotes_every_interpolated_value(workspace_for, project: Path):
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "quote"
        [params.name]
        default = "x; touch pwned; $(touch pwned2) `touch pwned3`"
        [[steps]]
        id = "say"
        shell = "echo {{ params.name }}"
    """, yes=True)
    assert run.exit_code == 0, run.records
    assert run.done["text"].strip() == "x; touch pwned; $(touch pwned2) `touch pwned3`"
    assert not any((project / name).exists() for name in ("pwned", "pwned2", "pwned3"))


def test_a_shell_step_is_judged_by_the_bash_permissions(workspace_for, project: Path):
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "danger"
        [[steps]]
        id = "remove"
        shell = "rm -rf build"
        [[steps]]
        id = "after"
        shell = "touch after"
    """)
    assert run.exit_code == 3
    assert run.done["reason"] == "denied" and run.done["denials"][0]["tool"] == "bash"
    assert "after" not in finishes(run) and not (project / "after").exists()


def test_when_skips_a_step_and_foreach_runs_one_per_item(workspace_for):
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "each"
        [params.loud]
        type = "boolean"
        default = false
        [[steps]]
        id = "shout"
        when = "params.loud"
        shell = "echo LOUD"
        [[steps]]
        id = "greet"
        foreach = ["ann", "bob"]
        shell = "echo hello {{ item }} {{ index }}"
    """, yes=True)
    assert run.exit_code == 0, run.records
    done = finishes(run)
    assert done["shout"]["status"] == "skipped"
    assert done["greet[0]"]["text"] == "hello ann 0\n" and done["greet[1]"]["text"] == "hello bob 1\n"
    assert done["greet"]["text"] == "hello ann 0\n\nhello bob 1"


def test_foreach_items_run_concurrently_up_to_the_step_concurrency(workspace_for):
    harness = workspace_for()
    run = run_recipe(harness, f"""
        [recipe]
        name = "meet"
        [[steps]]
        id = "pair"
        foreach = [["a", "b"], ["b", "a"]]
        concurrency = 2
        shell = "{MEET.format(me='{{ item[0] }}', other='{{ item[1] }}')}"
    """, yes=True)
    assert run.exit_code == 0, finishes(run)


def test_independent_steps_run_concurrently_and_others_in_file_order(workspace_for):
    harness = workspace_for()
    run = run_recipe(harness, f"""
        [recipe]
        name = "dag"
        [[steps]]
        id = "a"
        needs = []
        shell = "{MEET.format(me='a', other='b')}"
        [[steps]]
        id = "b"
        needs = []
        shell = "{MEET.format(me='b', other='a')}"
        [[steps]]
        id = "c"
        shell = "echo after b"
    """, yes=True)
    assert run.exit_code == 0, finishes(run)
    order = [(r["type"], r["step"]) for r in run.records if r["type"] in ("step_start", "step_finish")]
    assert order.index(("step_start", "c")) > order.index(("step_finish", "b"))


def test_an_ask_step_with_a_schema_is_retried_with_the_problem_until_it_fits(workspace_for):
    harness = workspace_for("not json", '{"wrong": 1}', '{"title": "Fix it"}')
    run = run_recipe(harness, """
        [recipe]
        name = "title"
        [[steps]]
        id = "title"
        ask = "Name this change."
        schema = { type = "object", required = ["title"], properties = { title = { type = "string" } } }
        [outputs]
        text = "{{ steps.title.json.title }}"
    """)
    assert run.exit_code == 0, run.records
    assert run.done["text"] == "Fix it"
    assert finishes(run)["title"]["attempts"] == 2
    assert "did not pass" in user_texts(harness.model.requests[2])[-1]


def test_a_schema_that_still_fails_after_the_retries_is_exit_6(workspace_for):
    harness = workspace_for(*(["nope"] * 6))
    run = run_recipe(harness, """
        [recipe]
        name = "title"
        [[steps]]
        id = "title"
        ask = "Name this change."
        schema = { type = "object" }
        retries = 1
    """)
    assert run.exit_code == 6 and run.done["reason"] == "check"
    assert finishes(run)["title"]["attempts"] == 2


def test_a_failed_check_sends_the_agent_back_with_its_output(workspace_for, project: Path):
    harness = workspace_for(
        text_reply("Done, I think."),
        tool_reply("write", {"path": "done.txt", "content": "ok\n"}),
        text_reply("Now it is done."),
    )
    run = run_recipe(harness, """
        [recipe]
        name = "fix"
        [[steps]]
        id = "fix"
        agent = "build"
        task = "Create done.txt"
        checks = ["test -f done.txt"]
    """, yes=True)
    assert run.exit_code == 0, run.records
    assert (project / "done.txt").read_text() == "ok\n"
    assert finishes(run)["fix"]["attempts"] == 2
    second = harness.model.requests[1]
    assert any("test -f done.txt" in text for text in user_texts(second))
    assert run.done["text"] == "Now it is done."


def test_the_budget_covers_the_whole_recipe(workspace_for):
    harness = workspace_for(*(text_reply("one answer", cost_usd=1.0) for _ in range(3)))
    run = run_recipe(harness, """
        [recipe]
        name = "costly"
        [settings]
        max_cost = 1.5
        [[steps]]
        id = "a"
        ask = "first"
        [[steps]]
        id = "b"
        ask = "second"
        [[steps]]
        id = "c"
        ask = "third"
    """)
    assert run.exit_code == 5 and run.done["reason"] == "budget"
    assert len(harness.model.requests) == 2 and run.done["cost_usd"] == 2.0
    assert finishes(run)["c"]["status"] == "failed"


def test_a_dry_run_renders_every_step_and_runs_only_what_reads(workspace_for, project: Path):
    (project / "notes.txt").write_text("remember\n")
    harness = workspace_for()  # no replies: a model call would fail the run
    run = run_recipe(harness, """
        [recipe]
        name = "plan"
        [[steps]]
        id = "notes"
        tool = "read"
        with = { path = "notes.txt" }
        [[steps]]
        id = "touch"
        shell = "touch made-by-dry-run"
        [[steps]]
        id = "ask"
        ask = "About {{ steps.notes.text }} and {{ steps.touch.text }}"
        [[steps]]
        id = "save"
        tool = "write"
        with = { path = "out.txt", content = "{{ steps.ask.text }}" }
    """, dry_run=True)
    assert run.exit_code == 0, run.records
    plans = {r["step"]: r["rendered"] for r in run.of("step_plan")}
    assert plans["ask"]["prompt"] == "About remember\n and <steps.touch.text>"
    assert plans["save"]["with"] == {"path": "out.txt", "content": "<steps.ask.text>"}
    assert not (project / "made-by-dry-run").exists() and not (project / "out.txt").exists()
    assert harness.model.requests == []


def test_a_sub_recipe_runs_with_its_own_parameters(workspace_for, project: Path):
    write_recipe(project, """
        [recipe]
        name = "child"
        [params.who]
        [[steps]]
        id = "hello"
        shell = "echo hello {{ params.who }}"
    """, "child.toml")
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "parent"
        [[steps]]
        id = "sub"
        run = "child.toml"
        with = { who = "world" }
    """, yes=True)
    assert run.exit_code == 0, run.records
    assert run.done["text"] == "hello world\n"
    assert "sub/hello" in finishes(run)


def test_a_recipe_that_runs_itself_is_stopped(workspace_for, project: Path):
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "loop"
        [[steps]]
        id = "again"
        run = "recipe.toml"
    """)
    assert run.exit_code == 2 and "may not call themselves" in run.of("error")[-1]["error"]["message"]


def test_parameters_are_typed_and_a_missing_one_is_named(workspace_for):
    harness = workspace_for()
    text = """
        [recipe]
        name = "typed"
        [params.count]
        type = "integer"
        [[steps]]
        id = "show"
        shell = "echo {{ params.count + 1 }}"
    """
    missing = run_recipe(harness, text)
    assert missing.exit_code == 2 and "needs the parameter 'count'" in missing.of("error")[0]["error"]["message"]
    wrong = run_recipe(harness, text, params={"count": "many"})
    assert wrong.exit_code == 2 and "must be an integer" in wrong.of("error")[0]["error"]["message"]
    unknown = run_recipe(harness, text, params={"cout": "1"})
    assert unknown.exit_code == 2 and "count" in unknown.of("error")[0]["error"]["message"]
    good = run_recipe(harness, text, params={"count": "41"}, yes=True)
    assert good.exit_code == 0 and good.done["text"] == "42\n"


def test_a_file_parameter_is_read_inside_the_project_only(workspace_for, project: Path, other_project: Path):
    (other_project / "secret.txt").write_text("top secret\n")
    (project / "mine.txt").write_text("mine\n")
    harness = workspace_for()
    text = """
        [recipe]
        name = "file"
        [params.doc]
        type = "file"
        [[steps]]
        id = "echo"
        tool = "write"
        with = { path = "copy.txt", content = "{{ params.doc }}" }
    """
    inside = run_recipe(harness, text, params={"doc": "mine.txt"})
    assert inside.exit_code == 0 and (project / "copy.txt").read_text() == "mine\n"
    outside = run_recipe(harness, text, params={"doc": str(other_project / "secret.txt")})
    assert outside.exit_code == 3
    assert "top secret" not in str(outside.records)


def test_output_files_stay_in_the_project(workspace_for, project: Path, other_project: Path):
    harness = workspace_for("the answer", "again")
    text = """
        [recipe]
        name = "out"
        [params.to]
        [[steps]]
        id = "answer"
        ask = "question"
        output = "{{ params.to }}"
    """
    assert run_recipe(harness, text, params={"to": "answer.md"}).exit_code == 0
    assert (project / "answer.md").read_text() == "the answer"
    away = run_recipe(harness, text, params={"to": str(other_project / "stolen.md")})
    assert away.exit_code == 3 and not (other_project / "stolen.md").exists()


def test_continue_on_error_lets_the_recipe_go_on(workspace_for):
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "tolerant"
        [[steps]]
        id = "flaky"
        shell = "exit 3"
        continue_on_error = true
        [[steps]]
        id = "report"
        shell = "echo flaky was {{ steps.flaky.status }}"
    """, yes=True)
    assert run.exit_code == 0
    assert run.done["text"] == "flaky was failed\n"
    assert any("flaky" in w for w in run.done["warnings"])


def test_templates_see_only_the_environment_the_recipe_lists(workspace_for, keyed_env: dict[str, str]):
    harness = workspace_for(env={**keyed_env, "SHOWN": "visible", "HIDDEN": "secret"})
    listed = run_recipe(harness, """
        [recipe]
        name = "env"
        env = ["SHOWN"]
        [[steps]]
        id = "say"
        shell = "echo {{ env.SHOWN }}"
    """, yes=True)
    assert listed.done["text"] == "visible\n"
    hidden = run_recipe(harness, """
        [recipe]
        name = "env"
        env = ["SHOWN"]
        [[steps]]
        id = "say"
        shell = "echo {{ env.HIDDEN }}"
    """, yes=True)
    assert hidden.exit_code == 2 and "secret" not in str(hidden.records)


def test_a_template_cannot_reach_python_internals(workspace_for):
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "escape"
        [[steps]]
        id = "x"
        shell = "echo {{ ''.__class__.__mro__[1].__subclasses__() }}"
    """, yes=True)
    assert run.exit_code == 2
    assert "subclasses" not in run.done["text"]


def test_a_step_timeout_is_a_budget(workspace_for):
    harness = workspace_for()
    run = run_recipe(harness, """
        [recipe]
        name = "slow"
        [[steps]]
        id = "sleep"
        shell = "sleep 30"
        timeout = 0.5
    """, yes=True)
    assert run.exit_code == 5 and "timeout" in finishes(run)["sleep"]["error"]["message"]


def test_an_agent_step_keeps_the_protected_paths_and_the_recipe_lists_its_denials(workspace_for, project: Path):
    harness = workspace_for(tool_reply("write", {"path": ".git/hooks/pre-commit", "content": "x"}), "done", person=ScriptedPerson("once"))
    run = run_recipe(harness, """
        [recipe]
        name = "hook"
        [[steps]]
        id = "hook"
        agent = "build"
        task = "install a hook"
    """)
    assert not (project / ".git" / "hooks" / "pre-commit").exists()
    assert [d["tool"] for d in run.done["denials"]] == ["write"]



def test_an_agent_step_of_a_sub_recipe_has_the_approvals_of_the_run(workspace_for, project: Path):
    write_recipe(project, """
        [recipe]
        name = "child"
        [[steps]]
        id = "make"
        agent = "build"
        task = "make the file"
    """, "child.toml")
    harness = workspace_for(tool_reply("bash", {"command": "touch made-by-child"}), "made it")
    run = run_recipe(harness, """
        [recipe]
        name = "parent"
        [[steps]]
        id = "sub"
        run = "child.toml"
    """, yes=True)
    assert run.exit_code == 0, run.records
    assert (project / "made-by-child").exists()


def test_a_replayed_run_gives_the_workspace_its_own_model_back(workspace_for, project: Path):
    harness = workspace_for("recorded answer")
    text = """
        [recipe]
        name = "once"
        [[steps]]
        id = "ask"
        ask = "a question"
    """
    recording = project / "once.jsonl"
    assert run_recipe(harness, text, record=recording).exit_code == 0
    assert harness.workspace.model_client() is harness.model
    replayed = run_recipe(harness, text, replay=recording)
    assert replayed.exit_code == 0 and replayed.done["text"] == "recorded answer"
    assert harness.workspace.model_client() is harness.model


def test_a_cached_step_runs_again_when_its_output_file_is_gone(workspace_for, project: Path):
    harness = workspace_for("first", "second")
    text = """
        [recipe]
        name = "out"
        [[steps]]
        id = "answer"
        ask = "question"
        output = "answer.md"
    """
    assert run_recipe(harness, text, cache=True).exit_code == 0
    again = run_recipe(harness, text, cache=True)
    assert finishes(again)["answer"]["cached"] is True and (project / "answer.md").read_text() == "first"
    (project / "answer.md").unlink()
    third = run_recipe(harness, text, cache=True)
    assert finishes(third)["answer"]["cached"] is False and (project / "answer.md").read_text() == "second"
