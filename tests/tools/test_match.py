"""The matching engine behind edit/multiedit: each strategy, the ambiguity rule, the
disproportion guard, the budget, and how new_string is fitted to a fuzzy match."""

from __future__ import annotations

import pytest

from opencode.errors import ToolError
from opencode.tools import _match_strategies as strategies
from opencode.tools._edit import edit_text
from opencode.tools._match import AMBIGUOUS, Budget, FileView, locate
from opencode.tools._match_strategies import Span


def edit(text: str, old: str, new: str, replace_all: bool = False) -> tuple[str, str]:
    """(new text, strategy) for one edit of LF text."""
    result, strategy, _ = edit_text(text, "\n", old, new, replace_all, "f.py")
    return result, strategy


def spans(strategy, text: str, request: str) -> list[tuple[int, int]]:
    view = FileView(text)
    return [(s.start, s.end) for s in strategy(view, request, Budget())]


# -- each strategy on its own --------------------------------------------------------


def test_exact_finds_every_occurrence_overlapping_too():
    assert spans(strategies.exact, "aaa", "aa") == [(0, 2), (1, 3)]


def test_exact_is_used_first_and_keeps_new_string_verbatim():
    assert edit("a = 1\nb = 2\n", "a = 1", "a  =  10") == ("a  =  10\nb = 2\n", "exact")


def test_line_trimmed_matches_lines_equal_once_stripped():
    text = "def f():\n    x = 1\n    y = 2\n    return x\n"
    assert spans(strategies.line_trimmed, text, "x = 1  \ny = 2") == [(text.index("    x"), text.index("\n    return"))]


def test_line_trimmed_edit_puts_the_files_indentation_on_new_string():
    text = "def f():\n    x = 1\n    y = 2\n    return x\n"
    result, strategy = edit(text, "x = 1\ny = 2", "x = 10\nif x:\n    y = 20")
    assert strategy == "line-trimmed"
    assert result == "def f():\n    x = 10\n    if x:\n        y = 20\n    return x\n"


def test_a_request_whose_first_line_lost_its_indentation_keeps_the_rest():
    text = "class A:\n    def f(self):\n        return 1\n"
    result, strategy = edit(text, "def f(self):  \n        return 1", "def f(self):\n        return 2")
    assert strategy == "line-trimmed"
    assert result == "class A:\n    def f(self):\n        return 2\n"


def test_line_trimmed_trailing_newline_follows_the_request():
    text = "  a\n  b\n  c\n"
    assert edit(text, "a\nb\n", "x\n")[0] == "  x\n  c\n"
    assert edit(text, "a\nb", "x")[0] == "  x\n  c\n"


BLOCK = "def area(w, h):\n    check(w)\n    check(h)\n    result = w * h\n    return result\n"


def test_block_anchor_tolerates_a_slightly_different_middle_line():
    request = "def area(w, h):\n    check(w)\n    check(h)\n    result = w*h\n    return result"
    assert spans(strategies.line_trimmed, BLOCK, request) == []
    result, strategy = edit(BLOCK, request, "def area(w, h):\n    return w * h")
    assert strategy == "block-anchor"
    assert result == "def area(w, h):\n    return w * h\n"


def test_block_anchor_allows_a_block_of_about_the_same_size():
    body = "".join(f"    step_{i}()\n" for i in range(10))
    text = f"def run():\n{body}    done()\nafter()\n"
    request = "def run():\n" + body.replace("    step_4()\n", "") + "    done()"
    assert len(spans(strategies.block_anchor, text, request)) == 1
    assert edit(text, request, "def run():\n    pass")[0] == "def run():\n    pass\nafter()\n"


def test_block_anchor_refuses_a_dissimilar_middle_and_a_block_of_another_size():
    request = "def area(w, h):\n    totally = different(stuff)\n    and_more = True\n    again = 1\n    return result"
    assert spans(strategies.block_anchor, BLOCK, request) == []
    long = "def area(w, h):\n" + "    check(w)\n" * 8 + "    return result\n"
    short = "def area(w, h):\n    check(w)\n    check(w)\n    return result"
    assert spans(strategies.block_anchor, long, short) == []


def test_block_anchor_looks_no_further_than_the_size_guard_allows():
    request = "def run():\n" + "".join(f"    step_{i}()\n" for i in range(18)) + "    done()"
    for kept, found in ((14, 1), (13, 0)):  # 16 lines for 20 passes the guard, 15 would not
        text = "def run():\n" + "".join(f"    step_{i}()\n" for i in range(kept)) + "    done()\n"
        assert len(spans(strategies.block_anchor, text, request)) == found


def test_whitespace_normalized_collapses_runs_of_whitespace():
    text = "if ok:\n    total  =  price *\tcount\n"
    assert spans(strategies.line_trimmed, text, "total = price * count") == []
    result, strategy = edit(text, "total = price * count", "total = price * count * 2")
    assert strategy == "whitespace-normalized"
    assert result == "if ok:\n    total = price * count * 2\n"


def test_whitespace_normalized_reindents_the_following_lines():
    text = "if ok:\n        call(a,   b,\n             c)\n"
    result, strategy = edit(text, "    call(a, b,\n         c)", "    call(a, b,\n         d)")
    assert strategy == "whitespace-normalized"
    assert result == "if ok:\n        call(a, b,\n             d)\n"


def test_indentation_flexible_matches_once_common_indentation_is_removed():
    text = "class A:\n    def f(self):\n        return 1\n"
    view = FileView(text)
    found = strategies.indentation_flexible(view, "def f(self):\n    return 1\n", Budget())
    assert [(s.start, s.end) for s in found] == [(text.index("    def"), len(text))]
    assert strategies.indentation_flexible(view, "def f(self):\nreturn 1\n", Budget()) == []


def test_escape_normalized_reads_escape_sequences_as_characters():
    text = 'print("hi")\nname = \'x\'\n'
    request = 'print(\\"hi\\")\\nname = \\\'x\\\''
    result, strategy = edit(text, request, 'print(\\"bye\\")\\nname = \\\'y\\\'')
    assert strategy == "escape-normalized"
    assert result == "print(\"bye\")\nname = 'y'\n"


def test_escape_normalized_falls_back_to_trimmed_lines():
    text = "    a = 1\n    b = '\\t'\n"
    assert len(spans(strategies.escape_normalized, text, "a = 1\\nb = '\\\\t'")) == 1
    assert spans(strategies.escape_normalized, text, "plain text") == []


def test_decode_reads_escapes_and_says_where_each_one_stood():
    from opencode.tools._match_escapes import decode

    assert decode("a\\nb\\\\n\\q") == ("a\nb\\n\\q", [1, 3])
    assert decode("plain") == ("plain", [])


def test_escape_normalized_reads_the_file_too_and_maps_back_onto_its_text():
    text = 'x = 1\nmsg = "a\\tb\\nc"\n'
    [span] = strategies.escape_normalized(FileView(text), 'msg = "a\tb\nc"', Budget())
    assert text[span.start : span.end] == 'msg = "a\\tb\\nc"'
    from opencode.tools._match import replacement

    assert replacement('msg = "a\tb\nd"\nmore()', span) == 'msg = "a\\tb\\nd"\nmore()'


def test_trimmed_boundary_drops_surrounding_whitespace_from_request_and_new_string():
    text = "x = compute(a) + 1\n"
    view = FileView(text)
    [span] = strategies.trimmed_boundary(view, "\n  compute(a)  \n", Budget())
    assert text[span.start : span.end] == "compute(a)"
    from opencode.tools._match import replacement

    assert replacement("\n  compute(b)  \n", span) == "compute(b)"
    assert strategies.trimmed_boundary(view, "compute(a)", Budget()) == []


def test_context_aware_needs_anchors_and_half_the_middle_lines():
    text = "start()\n    one()\n    two()\n    three()\nend()\n"
    request = "start()\none()\nunlike_this()\nthree()\nend()"
    for looser in (strategies.line_trimmed, strategies.block_anchor, strategies.whitespace_normalized):
        assert spans(looser, text, request) == []
    result, strategy = edit(text, request, "start()\nend()")
    assert strategy == "context-aware"
    assert result == "start()\nend()\n"
    mostly_wrong = "start()\nnope()\nnope either\nthree()\nend()"
    assert spans(strategies.context_aware, text, mostly_wrong) == []


def test_the_chain_runs_strictest_first():
    names = [name for name, _ in strategies.STRATEGIES]
    assert names == [
        "exact", "line-trimmed", "block-anchor", "whitespace-normalized",
        "indentation-flexible", "escape-normalized", "trimmed-boundary", "context-aware",
    ]


# -- ambiguity -----------------------------------------------------------------------


def test_two_exact_matches_fail_with_the_ambiguity_message():
    with pytest.raises(ToolError) as caught:
        edit("x = 1\ny = 2\nx = 1\n", "x = 1", "x = 2")
    assert AMBIGUOUS in str(caught.value)
    assert "lines 1, 3" in str(caught.value)


def test_a_fuzzy_strategy_finding_two_spans_fails_and_does_not_fall_through():
    text = "if a:\n    go()\n    stop()\nif b:\n        go()\n        stop()\n"
    with pytest.raises(ToolError, match="found multiple matches") as caught:
        edit(text, "go()\nstop()", "run()")
    assert "line-trimmed" in str(caught.value)


def test_ambiguity_stops_even_when_a_looser_strategy_would_find_one_place():
    def two(view, request, budget):
        return [Span(0, 1, "two", request), Span(2, 3, "two", request)]

    def one(view, request, budget):
        return [Span(0, 1, "one", request)]

    with pytest.raises(ToolError, match="found multiple matches"):
        locate(FileView("a b c"), "q", False, "f", strategies=[("two", two), ("one", one)])
    assert locate(FileView("a b c"), "q", False, "f", strategies=[("none", lambda *a: []), ("one", one)])[0] == "one"


def test_replace_all_replaces_every_span_of_the_first_strategy_that_matches():
    assert edit("x = 1\nx = 1\n", "x = 1", "x = 2", replace_all=True) == ("x = 2\nx = 2\n", "exact")
    text = "  go( 1 )\n    go(  1 )\n"
    assert edit(text, "go( 1 )", "go(2)", replace_all=True) == ("  go(2)\n    go(  1 )\n", "exact")
    text = "  go()\n    go()\n"
    assert edit(text, "\tgo()", "\tgo(1)", replace_all=True) == ("  go(1)\n    go(1)\n", "line-trimmed")


def test_replace_all_skips_overlapping_spans():
    assert edit("aaa", "aa", "b", replace_all=True)[0] == "ba"


# -- guards ------------------------------------------------------------------------


def test_a_fuzzy_match_spanning_many_more_lines_is_refused():
    text = "values = [1,\n    2,\n    3,\n    4,\n    5]\n"
    with pytest.raises(ToolError, match="refusing a whitespace-normalized match at lines 1-5"):
        edit(text, "values = [1, 2, 3, 4, 5]", "values = []")


def test_a_disproportionate_match_is_refused_not_passed_over():
    def huge(view, request, budget):
        return [Span(0, len(view.text), "huge", request)]

    def fine(view, request, budget):
        return [Span(0, 1, "fine", request)]

    text = "x\n" * 50
    with pytest.raises(ToolError, match="refusing a huge match"):
        locate(FileView(text), "x\nx", False, "f", strategies=[("huge", huge), ("fine", fine)])


def test_whitespace_only_requests_are_matched_exactly_or_not_at_all():
    with pytest.raises(ToolError, match="not found"):
        edit("a\n\n\nb\n", "\n \n", "x")


def test_the_budget_refuses_a_search_that_grows_too_costly():
    text = "}\n" * 5000
    request = "}\n" + "foo()\n" * 40 + "}\n"
    with pytest.raises(ToolError, match="gave up looking for old_string .* give a more exact old_string"):
        edit(text, request, "x")


def test_a_small_budget_is_enforced_across_strategies():
    text = "    a\n    b\n" * 20
    with pytest.raises(ToolError, match="after 10 line comparisons"):
        locate(FileView(text), "a\nc", False, "f", budget=Budget(10))


def test_not_found_points_at_the_most_similar_line():
    with pytest.raises(ToolError) as caught:
        edit("def compute_total(items):\n    return sum(items)\n", "def compute_totals(item):\n    pass", "x")
    assert "old_string not found" in str(caught.value)
    assert "most similar line is 1" in caught.value.hint
