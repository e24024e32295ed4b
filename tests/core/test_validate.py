"""The subset validator agrees with jsonschema on every built-in schema."""

from __future__ import annotations

import jsonschema
import pytest

from opencode.errors import InvalidParams
from opencode.tools import BUILTIN, builtin_spec
from opencode.tools.validate import uses_only_subset, validate_params

CASES = [
    {},
    {"path": "a.py"},
    {"path": 5},
    {"path": "a.py", "offset": 0},
    {"path": "a.py", "offset": 1.5},
    {"path": "a.py", "offset": True},
    {"path": "a.py", "limit": 10, "extra": 1},
    {"pattern": ""},
    {"pattern": "x", "include": None},
    {"command": "ls", "timeout": 700000},
    {"command": "ls", "timeout": 1000},
    {"todos": [{"id": "1", "content": "x", "status": "done", "priority": "high"}]},
    {"todos": [{"id": "1", "content": "x", "status": "pending", "priority": "high"}]},
    {"todos": "nope"},
    {"path": "a", "edits": [{"old_string": "a", "new_string": "b"}]},
    {"path": "a", "edits": [{"old_string": 1, "new_string": "b"}]},
    {"path": "a", "ignore": ["x", 2]},
    {"patch": "*** Begin Patch\n*** End Patch"},
]


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_schemas_use_only_the_subset(name):
    assert uses_only_subset(builtin_spec(name).parameters)


@pytest.mark.parametrize("name", sorted(BUILTIN))
@pytest.mark.parametrize("params", CASES, ids=range(len(CASES)))
def test_same_verdict_as_jsonschema(name, params):
    schema = builtin_spec(name).parameters
    expected_ok = jsonschema.Draft202012Validator(schema).is_valid(params)
    try:
        validate_params(schema, params)
        ours_ok = True
    except InvalidParams:
        ours_ok = False
    assert ours_ok == expected_ok


def test_message_names_the_nested_field():
    schema = builtin_spec("multiedit").parameters
    with pytest.raises(InvalidParams, match=r"'edits\[0\]\.old_string'"):
        validate_params(schema, {"path": "a", "edits": [{"old_string": 1, "new_string": "b"}]})


def test_defaults_are_filled():
    assert validate_params(builtin_spec("read").parameters, {"path": "a"})["offset"] == 1


def test_schemas_outside_the_subset_use_jsonschema():
    schema = {"type": "object", "properties": {"n": {"type": "integer", "multipleOf": 3}}}
    validate_params(schema, {"n": 6})
    with pytest.raises(InvalidParams, match="multiple of 3"):
        validate_params(schema, {"n": 4})
