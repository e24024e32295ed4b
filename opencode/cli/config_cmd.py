"""``opencode config``: see the merged configuration and change it."""

from __future__ import annotations

import json

import click

from .. import protocol
from ..config.secret_keys import redact
from ..errors import ToolError
from .clickutil import leaf


@click.group()
def config() -> None:
    """View and edit configuration (opencode.toml)."""


@config.command("show")
@click.option("--origin", is_flag=True, help="Show where each value comes from")
@leaf
def show(runtime, origin: bool) -> None:
    """Print the merged configuration (secrets masked)."""
    from ..app.settings import show as config_record

    runtime.emit(config_record(runtime.workspace, origin))


@config.command("get")
@click.argument("key")
@leaf
def get(runtime, key: str) -> None:
    """Print one value (a dotted key such as provider.default)."""
    cfg = runtime.workspace.config
    missing = object()
    value = cfg.get(key, missing)
    if value is missing:
        from ..config.schema import spec_for

        hint = None if spec_for(key) else "opencode does not know this key; see 'opencode config show'"
        raise ToolError(f"{key} is not set", hint=hint)
    value = redact(value, key)
    text = (value if isinstance(value, str) else json.dumps(value)) + "\n"
    runtime.emit(protocol.record("config_value", key=key, value=value, origin=cfg.origin(key), text=text))


@config.command("set")
@click.argument("key")
@click.argument("value")
@click.option("--global", "global_", is_flag=True, help="Change the user config file instead of the project's")
@leaf
def set_(runtime, key: str, value: str, global_: bool) -> None:
    """Set KEY to VALUE, keeping the file's comments and layout.

    VALUE is read as TOML when it is one (30, false, ["git *"]), else as a string.
    """
    from ..app.settings import set_value

    record, warnings = set_value(runtime.workspace, key, value, user=global_)
    for warning in warnings:
        runtime.diag.warning(warning)
    runtime.emit(record)


@config.command("path")
@leaf
def path(runtime) -> None:
    """Print where the config files and the data directory are."""
    from ..config.dirs import find_project_file

    project = find_project_file(runtime.cwd)
    user = runtime.workspace.config.user_file
    text = (
        f"user config:    {user}{'' if user.exists() else '  (not created yet)'}\n"
        f"project config: {project or '(none: ' + str(runtime.workspace.root / 'opencode.toml') + ' would be used)'}\n"
        f"data directory: {runtime.workspace.data_dir}\n"
    )
    rec = protocol.record(
        "config_paths", user=str(user), project=str(project) if project else None, data_dir=str(runtime.workspace.data_dir), text=text
    )
    runtime.emit(rec)


@config.command("validate")
@leaf
def validate(runtime) -> None:
    """Check the config files: syntax errors and wrong types fail, unknown keys warn."""
    cfg = runtime.workspace.config
    files = [str(p) for p in (cfg.user_file, cfg.project_file) if p is not None and p.exists()]
    text = f"ok: {', '.join(files) if files else 'no config files'}" + (f" ({len(cfg.warnings)} warnings)" if cfg.warnings else "") + "\n"
    runtime.emit(protocol.record("config_check", ok=True, files=files, warnings=cfg.warnings, text=text))
