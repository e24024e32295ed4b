"""The fast argument parser and the Click commands agree on every parse they both do."""

from __future__ import annotations

import click
import pytest

from opencode.cli.tool_params import parse_fast
from opencode.cli.tool_commands import make_command
from opencode.tools import builtin_spec

CASES = [
    ("read", ["a.py"]),
    ("read", ["a.py", "--offset", "5", "--limit=3"]),
    ("read", ["--limit", "3", "a.py"]),
    ("read", ["a.py", "--json"]),
    ("read", ["a.py", "--format", "text"]),
    ("grep", ["def ", "src", "--include", "*.py"]),
    ("grep", ["-e"]),
    ("ls", ["--ignore", "*.md", "--ignore", "dist"]),
    ("ls", []),
    ("rm", ["x", "--recursive"]),
    ("rm", ["x", "--no-recursive"]),
    ("write", ["f.txt", "--content", "hello world"]),
    ("glob", ["**/*.py", "src"]),
    ("read", ["a.py", "--offset", "abc"]),
    ("read", ["a.py", "--bogus"]),
    ("read", ["a.py", "b.py"]),
    ("read", ["a.py", "--offset", "-1"]),
    ("write", ["f.txt", "--force"]),
    ("write", ["--force", "f.txt", "--json"]),
    ("write", ["f.txt", "--encoding", "base64", "--content", "AAE="]),
    ("apply_patch", ["--force"]),
    ("apply_patch", ["--force", "--format", "text"]),
    ("read", ["a.py", "--force"]),
    ("write", ["f.txt", "--force=yes"]),
]

#: Options of the command line that are not tool parameters.
CLI_OPTIONS = ("json", "format", "force")


def click_parse(name: str, args: list[str]):
    command = make_command(builtin_spec(name))
    try:
        ctx = command.make_context(name, list(args), resilient_parsing=False)
    except click.ClickException:
        return None
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in ctx.params.items() if v is not None and v != () and k not in CLI_OPTIONS}
    output = {k: ctx.params[k] for k in CLI_OPTIONS if ctx.params.get(k)}
    return params, output


@pytest.mark.parametrize("name,args", CASES)
def test_fast_parse_matches_click(name, args):
    fast = parse_fast(builtin_spec(name), args)
    slow = click_parse(name, args)
    if fast is None:
        return  # the fast path declined; Click decides alone
    assert slow is not None, f"fast path accepted what Click rejects: {args}"
    assert fast == slow


def test_fast_path_declines_what_it_cannot_parse():
    spec = builtin_spec("read")
    for args in (["--help"], ["-h"], ["a.py", "--", "b"], ["a.py", "--bogus"], ["a.py", "--offset", "x"]):
        assert parse_fast(spec, args) is None


def test_force_is_an_option_of_commands_that_read_stdin_only():
    assert parse_fast(builtin_spec("write"), ["f.txt", "--force"]) == ({"path": "f.txt"}, {"force": True})
    assert parse_fast(builtin_spec("read"), ["a.py", "--force"]) is None
    assert click_parse("read", ["a.py", "--force"]) is None
    assert "force" not in builtin_spec("write").properties
