"""The live view of a recipe run, fed the records a run yields, rendered by rich into
a string at a fixed width (the final table is what a person is left with)."""

from __future__ import annotations

import io
import re

from rich.console import Console

from opencode import protocol
from opencode.errors import ProviderError
from opencode.render.recipe_progress import RecipeProgress

R = protocol.record
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def usage(i: int, o: int) -> dict:
    return {"input_tokens": i, "output_tokens": o, "cached_tokens": 0}


def finish(step: str, kind: str, status: str = "ok", *, tokens=(0, 0), cost=0.0, ms=100, **more) -> dict:
    return R("step_finish", step=step, kind=kind, recipe="review", status=status, cached=status == "cached",
             attempts=more.pop("attempts", 1), duration_ms=ms, usage=usage(*tokens), cost_usd=cost, text="", **more)


RUN = [
    R("recipe_start", recipe="review", file="recipes/review.toml", steps=["lint", "review", "fix", "docs"], params={"base": "main"}),
    R("step_start", step="lint", kind="shell", recipe="review"),
    R("tool_result", tool="bash", status="completed", text="NESTED-OUTPUT", recipe_step="lint"),
    finish("lint", "shell", ms=1200),
    R("step_start", step="review", kind="ask", recipe="review"),
    finish("review", "ask", "cached", tokens=(1200, 300), cost=0.0123, ms=4),
    R("step_start", step="fix[0]", kind="agent", recipe="review"),
    R("step_start", step="fix[1]", kind="agent", recipe="review"),
    R("step_start", step=1, agent="build", recipe_step="fix[0]"),
    R("text_delta", text="NESTED-DELTA", recipe_step="fix[0]"),
    R("step_finish", step=1, usage=usage(500, 50), cost_usd=0.002, finish_reason="stop", recipe_step="fix[0]"),
    finish("fix[0]", "agent", tokens=(500, 50), cost=0.002, ms=65_000),
    finish("fix[1]", "agent", "failed", tokens=(700, 70), cost=0.003, ms=2500, attempts=2,
           error={"code": "check.failed", "message": "tests still fail after 2 attempts"}),
    finish("docs", "ask", "skipped", ms=0),
    R("done", reason="error", usage=usage(2400, 420), cost_usd=0.0173, duration_ms=67_700, text=""),
]


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100), out


def final(out: io.StringIO) -> str:
    """The last frame the live view drew, without escape codes."""
    return ANSI.sub("", out.getvalue().split("\x1b[2K")[-1])


def snapshot(progress: RecipeProgress) -> str:
    """The view as it would be drawn now."""
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(progress)
    return console.file.getvalue()


def rows(text: str) -> dict[str, str]:
    """Step name -> the rest of its table row."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"^\s+(\S+)\s{2,}(.*\S)?\s*$", line)
        if match and match.group(1) not in ("step", "─" * len(match.group(1))):
            found[match.group(1)] = match.group(2) or ""
    return found


def test_the_final_table_shows_every_step_as_it_ended():
    """Each step with its final status, time, tokens and cost; the failed step's error;
    the totals line from the recipe's done record."""
    console, out = terminal()
    progress = RecipeProgress(console)

    for record in RUN:
        progress.show(record)
    progress.close()

    shown = final(out)
    table = rows(shown)
    assert list(table) == ["lint", "review", "fix", "fix[0]", "fix[1]", "docs"]
    assert table["lint"].split() == ["shell", "✓", "ok", "1.2s"]
    assert table["review"].split() == ["ask", "↺", "cached", "0.0s", "1,500", "$0.0123"]
    assert table["fix"] == ""
    assert table["fix[0]"].split() == ["agent", "✓", "ok", "1m05s", "550", "$0.0020"]
    assert table["fix[1]"].split() == ["agent", "✗", "failed", "×2", "2.5s", "770", "$0.0030"]
    assert table["docs"].split() == ["ask", "–", "skipped"]
    assert "✗ fix[1]: tests still fail after 2 attempts" in shown
    assert "error · 2,400 in · 420 out · $0.0173 · 67.7 s · 5/5 steps" in shown
    assert shown.lstrip().startswith("review")


def test_records_of_a_step_are_not_printed():
    console, out = terminal()
    progress = RecipeProgress(console)
    for record in RUN:
        progress.show(record)
    progress.close()

    assert "NESTED" not in out.getvalue()


def test_a_running_step_shows_a_spinner_and_its_turns_tokens_so_far():
    """While fix[0] runs, its row counts the tokens of the turns it reported."""
    progress = RecipeProgress(Console(file=io.StringIO(), width=100))
    for record in RUN[:11]:
        progress.show(record)

    now = rows(snapshot(progress))

    kind, spinner, status, *_, tokens, cost = now["fix[0]"].split()
    assert (kind, status, tokens, cost) == ("agent", "running", "550", "$0.0020")
    assert "\u2800" <= spinner <= "\u28ff"  # a frame of the dots spinner
    assert now["fix[1]"].split()[::2][:2] == ["agent", "running"]
    assert now["docs"].split() == ["·", "waiting"]
    assert "running · 1,200 in · 300 out · $0.0123" in snapshot(progress)


def test_a_sub_recipe_counts_for_the_step_that_runs_it():
    """A ``run`` step's child records (its own steps and done) update its row only."""
    progress = RecipeProgress(Console(file=io.StringIO(), width=100))
    progress.show(R("recipe_start", recipe="ci", file="ci.toml", steps=["child"], params={}))
    progress.show(R("step_start", step="child", kind="run", recipe="ci"))
    progress.show(R("recipe_start", recipe="inner", file="inner.toml", steps=["a"], params={}, recipe_step="child"))
    progress.show(R("step_finish", step="a", kind="ask", recipe="inner", status="ok", usage=usage(90, 10), cost_usd=0.01, recipe_step="child"))

    now = snapshot(progress)

    assert list(rows(now)) == ["child"]
    assert rows(now)["child"].split()[-2:] == ["100", "$0.0100"]
    assert now.lstrip().startswith("ci")


def test_off_a_terminal_the_final_table_is_printed_once_at_close():
    """A CI log gets no frames and no escape codes, only the table at the end."""
    out = io.StringIO()
    progress = RecipeProgress(Console(file=out, width=100))

    for record in RUN:
        progress.show(record)
    assert out.getvalue() == ""
    progress.close()
    progress.close()

    text = out.getvalue()
    assert "\x1b" not in text
    assert text.count("tokens") == 1
    assert rows(text)["fix[1]"].split()[:2] == ["agent", "✗"]


def test_a_run_closed_before_its_end_shows_what_was_left():
    """Closed without a done record: running steps stopped, the rest not run."""
    console, out = terminal()
    progress = RecipeProgress(console)
    for record in RUN[:8]:
        progress.show(record)
    progress.fail(ProviderError("the recording has no model call for step 'fix[1]', call 1"))
    progress.close()

    shown = final(out)
    table = rows(shown)
    assert table["fix[0]"].split()[:3] == ["agent", "■", "stopped"]
    assert table["docs"].split() == ["·", "not", "run"]
    assert "Error: the recording has no model call for step 'fix[1]', call 1" in shown
    assert "stopped · 1,200 in · 300 out · $0.0123" in shown


def test_an_error_record_of_the_recipe_is_shown():
    progress = RecipeProgress(Console(file=io.StringIO(), width=100))
    progress.show(R("recipe_start", recipe="r", file="r.toml", steps=[], params={}))
    progress.show(protocol.error_record({"code": "usage", "message": "param base is required"}))

    assert "Error: param base is required" in snapshot(progress)


def test_a_step_the_start_record_did_not_list_gets_a_row():
    """A skipped step heard of only by its finish, a foreach item after its step's items."""
    progress = RecipeProgress(Console(file=io.StringIO(), width=100))
    progress.show(R("recipe_start", recipe="r", file="r.toml", steps=["fix", "last"], params={}))
    for key in ("fix[0]", "fix[1]", "extra"):
        progress.show(R("step_start", step=key, kind="tool", recipe="r"))

    assert list(rows(snapshot(progress))) == ["fix", "fix[0]", "fix[1]", "last", "extra"]
