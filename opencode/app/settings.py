"""Reading and changing the configuration, as every face offers it: ``opencode config
show``/``set`` and the server's ``GET``/``PATCH /api/config``.

What leaves here has its secrets masked (``config.secret_keys``); a change is written
into the project's ``opencode.toml`` (or the user's file), keeping its comments.
"""

from __future__ import annotations

import json

from .. import protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .workspace import Workspace


def show(workspace: Workspace, origin: bool = False) -> dict[str, Any]:
    """The ``config`` record: the merged configuration, secrets masked."""
    from ..config.secret_keys import redact

    cfg = workspace.config
    data = redact(cfg.data)
    flat = flatten(data)
    lines = [f"{k} = {toml_value(v)}" + (f"  # {cfg.origins.get(k, '')}" if origin else "") for k, v in flat.items()]
    rec = protocol.record("config", config=data, text="\n".join(lines) + "\n", profile=cfg.profile)
    if origin:
        rec["origins"] = {k: cfg.origins.get(k) for k in flat}
    return rec


def set_value(workspace: Workspace, key: str, raw: str, *, user: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Set ``key`` to ``raw`` (read as TOML when it is one) in the project's file, or
    the user's; the ``config_set`` record and any warnings. The workspace's loaded
    configuration is not changed: a face that keeps one builds a new workspace."""
    from ..config.dirs import find_project_file
    from ..config.edit import set_value as write
    from ..config.secret_keys import redact

    path = workspace.config.user_file if user else find_project_file(workspace.cwd) or workspace.root / "opencode.toml"
    parsed, warnings = write(path, key, raw)
    masked = redact(parsed, key)
    text = f"{key} = {toml_value(masked)}  ({path})\n"
    return protocol.record("config_set", key=key, value=masked, file=str(path), text=text), warnings


def flatten(table: dict, prefix: str = "") -> dict:
    """``{"a": {"b": 1}}`` as ``{"a.b": 1}``."""
    flat = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{}"
    return json.dumps(value, ensure_ascii=False)
