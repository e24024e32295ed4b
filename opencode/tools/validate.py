"""Checking tool parameters against their JSON Schema.

Built-in tools use a small subset of JSON Schema (type, properties, required,
additionalProperties, enum, minimum/maximum, items, minItems/maxItems, minLength).
Checking that subset here takes microseconds; importing jsonschema takes longer than
a whole ``opencode read``. Schemas from elsewhere (MCP servers) that use keywords
beyond the subset are checked by jsonschema itself, so every schema is enforced.
``tests/core/test_validate.py`` holds both validators to the same verdicts.
"""

from __future__ import annotations


from ..errors import InvalidParams

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SUBSET = frozenset(
    {
        "type", "properties", "required", "additionalProperties", "enum", "minimum",
        "maximum", "items", "minItems", "maxItems", "minLength", "description", "default",
        "title", "examples",
    }
)

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


#: Deeper than this, parameters are refused: no tool takes them, and walking them
#: could exhaust the stack.
MAX_DEPTH = 32
#: Numbers beyond this lose precision as JSON and are no count or size a tool takes.
MAX_NUMBER = 2**53


def validate_params(schema: dict[str, Any], params: Any) -> dict[str, Any]:
    """Check ``params``; return a copy with top-level defaults filled in and integral
    numbers given for integers (``1.0``) made integers.

    Raises ``InvalidParams`` naming the first offending field. Whatever the schema,
    a NUL byte in a string, a number that is not finite or is beyond ``MAX_NUMBER``,
    and nesting deeper than ``MAX_DEPTH`` are refused: no tool can use them, and the
    file system or the stack would fail on them later, less clearly.
    """
    if not isinstance(params, dict):
        raise InvalidParams(f"parameters must be a JSON object, got {json_type(params)}")
    _screen(params, "", 0)
    if uses_only_subset(schema):
        _check(schema, params, "")
    else:
        _check_with_jsonschema(schema, params)
    filled = _integers(schema, params)
    for name, prop in schema.get("properties", {}).items():
        if name not in filled and "default" in prop:
            filled[name] = prop["default"]
    return filled


def _screen(value: Any, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidParams(_field(where, f"is nested more than {MAX_DEPTH} deep"), field=where)
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidParams(_field(where, "contains a NUL byte"), field=where)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidParams(_field(where, "must be a finite number"), field=where)
        if abs(value) > MAX_NUMBER:
            raise InvalidParams(_field(where, f"is too large (at most {MAX_NUMBER})"), field=where)
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_NUMBER:
            raise InvalidParams(_field(where, f"is too large (at most {MAX_NUMBER})"), field=where)
    elif isinstance(value, dict):
        for name, item in value.items():
            if not isinstance(name, str) or "\x00" in name:
                raise InvalidParams(_field(where, "has a key that is not a plain string"), field=where)
            _screen(item, _join(where, name), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _screen(item, f"{where}[{index}]", depth + 1)


def _integers(schema: dict[str, Any], value: Any) -> Any:
    """A copy of ``value`` with floats such as ``1.0`` made ints where the schema wants
    an integer (the check above accepted them)."""
    kind = schema.get("type")
    if isinstance(value, float) and value.is_integer() and (kind == "integer" or (isinstance(kind, list) and "integer" in kind)):
        return int(value)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {k: _integers(properties[k], v) if isinstance(properties.get(k), dict) else v for k, v in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_integers(schema["items"], item) for item in value]
    return value


def uses_only_subset(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if not SUBSET.issuperset(schema):
        return False
    children = list(schema.get("properties", {}).values())
    if isinstance(schema.get("items"), dict):
        children.append(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        return False
    return all(uses_only_subset(child) for child in children)


def _check(schema: dict[str, Any], value: Any, where: str) -> None:
    expected = schema.get("type")
    if expected is not None and not _is_type(value, expected):
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        raise InvalidParams(_field(where, f"expected {wanted}, got {json_type(value)}"), field=where)
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(repr(c) for c in schema["enum"])
        raise InvalidParams(_field(where, f"must be one of {choices}, got {value!r}"), field=where)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise InvalidParams(_field(where, f"must be at least {schema['minimum']}"), field=where)
        if "maximum" in schema and value > schema["maximum"]:
            raise InvalidParams(_field(where, f"must be at most {schema['maximum']}"), field=where)
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        raise InvalidParams(_field(where, "must not be empty"), field=where)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            raise InvalidParams(_field(where, f"needs at least {schema['minItems']} items"), field=where)
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise InvalidParams(_field(where, f"takes at most {schema['maxItems']} items"), field=where)
        if isinstance(schema.get("items"), dict):
            for index, item in enumerate(value):
                _check(schema["items"], item, f"{where}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                raise InvalidParams(_field(_join(where, name), "is required"), field=_join(where, name))
        for name, item in value.items():
            if name in properties:
                _check(properties[name], item, _join(where, name))
            elif schema.get("additionalProperties", True) is False:
                known = ", ".join(properties) or "none"
                raise InvalidParams(
                    _field(_join(where, name), f"is not a known parameter (known: {known})"),
                    field=_join(where, name),
                )


def _check_with_jsonschema(schema: dict[str, Any], params: dict[str, Any]) -> None:
    import jsonschema

    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(params))
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise InvalidParams(_field(where.lstrip("."), error.message), field=where.lstrip("."))


def _is_type(value: Any, expected: str | list[str]) -> bool:
    names = expected if isinstance(expected, list) else [expected]
    for name in names:
        if isinstance(value, bool) and name in ("integer", "number"):
            continue
        if name == "integer" and isinstance(value, float) and value.is_integer():
            return True
        if isinstance(value, _TYPES.get(name, ())):
            return True
    return False


def json_type(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _is_type(value, name):
            return name
    return type(value).__name__


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _field(where: str, problem: str) -> str:
    return f"invalid parameter {where!r}: {problem}" if where else f"invalid parameters: {problem}"
