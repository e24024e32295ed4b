"""No traceback, ever, for input: random parameters, stdin and config, generated.

Every tool is fed random valid and invalid parameters through the one execution path
every face takes; whatever comes in, the outcome is a result or an error of the
contract (with its exit status), and nothing outside the project changes. The pipe
protocol gets random bytes, the config loader random files.

``bash`` is left out, and disabled for ``batch``: it runs what it is given, and
running random programs is not a test.
"""

from __future__ import annotations

import asyncio
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opencode import protocol
from opencode.config import load_config
from opencode.errors import ConfigError, OpencodeError
from opencode.paths import PathPolicy
from opencode.tools import BUILTIN, Registry, builtin_spec
from opencode.tools.base import ToolContext
from opencode.tools.execute import execute_blocking

CONTRACT = {1, 2, 3, 4, 5, 6, 130}
TOOLS = [name for name in BUILTIN if name != "bash"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30) | st.sampled_from([0, -1, 1.0, 2.5, 10**20, "\x00", "", " ", "*", "[", "../x", "/etc/passwd"])
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=10)


def paths(outside: Path):
    named = ["a.txt", "sub/b.txt", "sub", ".", "", ".git/HEAD", "../outside/secret.txt", str(outside / "secret.txt"), str(outside), "~/x", "a.txt\x00", "a.txt/..", "new/deep/c.txt"]
    return st.sampled_from(named) | st.text(alphabet=string.ascii_letters + "./_-*?[]~", max_size=20)


WORDS = st.sampled_from(["alpha", "beta", "alpha\nbeta", "gamma\n", "", " ", "*.txt", "**/*", "a[", "\t", "x" * 300])


def shaped(schema: dict, outside: Path, name: str = ""):
    """Values shaped like the schema asks (mostly), with anything at all now and then."""
    kind = schema.get("type")
    if name in ("path", "workdir"):
        plausible = paths(outside)
    elif "enum" in schema:
        plausible = st.sampled_from(schema["enum"])
    elif kind == "string":
        plausible = WORDS | st.text(max_size=40)
    elif kind == "integer":
        plausible = st.integers(min_value=-3, max_value=5000) | st.sampled_from([0, 10**20, 1.0, 2.5])
    elif kind == "boolean":
        plausible = st.booleans()
    elif kind == "array":
        plausible = st.lists(shaped(schema.get("items", {}), outside), min_size=schema.get("minItems", 0), max_size=4)
    elif kind == "object" and "properties" in schema:
        properties = schema["properties"]
        required = set(schema.get("required", []))
        plausible = st.fixed_dictionaries(
            {k: shaped(v, outside, k) for k, v in properties.items() if k in required},
            optional={k: shaped(v, outside, k) for k, v in properties.items() if k not in required},
        )
    else:
        plausible = values
    return st.one_of(*[plausible] * 9, values)  # one field in ten is anything at all


def params_for(name: str, outside: Path):
    shapely = shaped(builtin_spec(name).parameters, outside)
    return st.one_of(shapely, shapely, shapely, values)


@pytest.fixture
def world(tmp_path: Path):
    """A project with a few files, a folder outside it holding a secret, and a context."""
    root = tmp_path / "proj"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a.txt").write_text("alpha\nbeta\n")
    (root / "sub" / "b.txt").write_text("gamma\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("do not touch\n")
    ctx = ToolContext(PathPolicy(root, root), data_dir=tmp_path / "data", env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")})
    return root, outside, ctx


def outside_state(outside: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in outside.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", TOOLS)
def test_random_parameters_end_in_a_result_or_an_error_of_the_contract(world, name):
    root, outside, ctx = world
    registry = Registry(disabled=["bash"])
    before = outside_state(outside)

    @FUZZ
    @given(params=params_for(name, outside))
    def check(params):
        outcome = execute_blocking(registry, name, params, ctx)  # no exception may escape
        if not outcome.ok:
            assert isinstance(outcome.error, OpencodeError)
            # The execution path turns a tool's own crash into a bare OpencodeError
            # ("KeyError: ..."): that is a bug to fix, not an answer for bad input.
            assert type(outcome.error) is not OpencodeError, outcome.error.message
            assert outcome.error.exit_code in CONTRACT
            assert outcome.record()["status"] in ("error", "denied")
        assert outside_state(outside) == before

    check()


@FUZZ
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode) | st.sampled_from([b'{"type": "error"}', b'{"type": "tool_result"}', b"[" * 5000, b'{"a":' * 3000, b"\xff\xfe{"]))
def test_random_stdin_is_data_or_records_never_a_crash(raw):
    piped = protocol.parse_input(raw)
    try:
        piped.refuse_errors("content", destructive=True)
    except OpencodeError as error:
        assert error.exit_code in CONTRACT
    assert isinstance(piped.text, str)
    assert all(isinstance(part, str) for part in piped.context_parts())


@FUZZ
@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode) | st.sampled_from([
    b"[llm]\nidle_timeout = -1\n", b"[llm]\nmax_retries = nan\n", b"model = 3\n", b"[permissions]\nbash = 5\n",
    b"\xff\xfe\x00m\x00o", b"[tools]\nread = \"maybe\"\n", b"[agents.x]\nmode = \"boss\"\n",
]))
def test_random_config_files_load_or_say_what_is_wrong(tmp_path_factory, body):
    root = tmp_path_factory.mktemp("cfg")
    (root / "opencode.toml").write_bytes(body)
    env = {"OPENCODE_CONFIG": str(root / "no-user-config.toml"), "HOME": str(root)}
    try:
        load_config(root, env)
    except ConfigError as error:
        assert str(root / "opencode.toml") in error.message or "profile" in error.message
        assert "\n" not in error.message


def test_an_integer_given_as_a_whole_float_is_an_integer(world):
    root, _, ctx = world
    outcome = execute_blocking(Registry(), "read", {"path": "a.txt", "offset": 2.0, "limit": 1.0}, ctx)
    assert outcome.ok and outcome.result.text == "beta\n"


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"path": "a.txt\x00.py"}, "NUL byte"),
        ({"path": "a.txt", "offset": float("nan")}, "finite"),
        ({"path": "a.txt", "limit": 10**30}, "too large"),
        ({"path": "a.txt", "offset": 1.5}, "expected integer"),
    ],
)
def test_numbers_and_bytes_no_tool_can_use_are_usage_errors(world, params, problem):
    _, _, ctx = world
    outcome = execute_blocking(Registry(), "read", params, ctx)
    assert outcome.error.exit_code == 2 and problem in outcome.error.message


def test_deep_json_on_the_command_line_is_a_usage_error(oc):
    deep = '{"path": "a", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    result = oc("tool", "call", "read", deep)
    assert result.code == 2 and "Traceback" not in result.stderr


def test_a_config_that_is_not_utf8_names_the_file_and_the_byte(oc, project: Path):
    (project / "opencode.toml").write_bytes(b'model = "caf\xe9"\n')
    result = oc("config", "show")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert "opencode.toml" in result.stderr and "byte 12" in result.stderr  # m-o-d-e-l, " = ", the quote, c-a-f: byte 12


def test_a_bad_glob_is_a_usage_error(oc, project: Path):
    for args in (["glob", "["], ["grep", "x", "--include", "[a"], ["ls", "--ignore", "{a"]):
        result = oc(*args)
        assert result.code == 2, (args, result.stderr)
        assert "invalid glob" in result.record["error"]["message"]


def test_the_agent_loop_survives_random_tool_arguments_from_a_model(world):
    """A model's arguments go through the same path; a batch of random calls included."""
    root, outside, ctx = world
    registry = Registry(disabled=["bash"])
    calls = [{"tool": name, "parameters": {"path": "../outside/secret.txt", "content": "x", "pattern": "["}} for name in TOOLS if name != "batch"]
    outcome = asyncio.run(_batch(registry, calls, ctx))
    assert outcome.ok and (outside / "secret.txt").read_text() == "do not touch\n"


async def _batch(registry, calls, ctx):
    from opencode.tools.execute import execute

    return await execute(registry, "batch", {"tool_calls": calls}, ctx)
