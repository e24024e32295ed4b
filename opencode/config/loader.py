"""Loading and layering configuration.

Layers, lowest first: built-in defaults, the user config file, the project's
``opencode.toml`` (nearest upward from the working directory), the selected profile,
environment variables, command-line flags. Each leaf value remembers the layer it came
from, which is what ``opencode config show --origin`` prints.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from ..errors import ConfigError
from . import dirs
from .defaults import DEFAULTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

#: Environment variables that set config keys.
ENV_KEYS = {
    "OPENCODE_PROVIDER": "provider.default",
    "OPENCODE_MODEL": "model",
    "OPENCODE_LANGUAGE": "ui.language",
    "OPENCODE_THEME": "ui.theme",
    "OPENCODE_LOG_LEVEL": "log_level",
}

#: Profile keys that are shortcuts for keys elsewhere (the rest merge as they are).
PROFILE_SHORTCUTS = ("provider", "model", "base_url", "api_key_env", "temperature", "max_tokens")


class Config:
    """The merged configuration and where each value came from."""

    def __init__(self, data: dict[str, Any], origins: dict[str, str], user_file: Path, project_file: Path | None = None) -> None:
        self.data = data
        self.origins = origins
        self.user_file = user_file
        self.project_file = project_file
        self.profile: str | None = None
        self.warnings: list[str] = []

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def origin(self, dotted: str) -> str | None:
        if dotted in self.origins:
            return self.origins[dotted]
        prefix = dotted + "."
        found = {o for k, o in self.origins.items() if k.startswith(prefix)}
        return ", ".join(sorted(found)) if found else None


def load_config(
    cwd: Path,
    env: Mapping[str, str],
    flags: Mapping[str, Any] | None = None,
    profile: str | None = None,
) -> Config:
    """Build the merged config for a command started in ``cwd``."""
    user_file = dirs.user_config_file(env)
    project_file = dirs.find_project_file(cwd)
    if project_file is not None and user_file.exists() and project_file.resolve() == user_file.resolve():
        project_file = None
    config = Config({}, {}, user_file, project_file)
    _merge(config, copy.deepcopy(DEFAULTS), "default")
    for path in (user_file, project_file):
        if path is not None and path.is_file():
            table = read_toml(path)
            config.warnings += check(table, path)
            _merge(config, table, str(path))

    profile = profile or env.get("OPENCODE_PROFILE") or None
    if profile:
        profiles = config.data.get("profiles", {})
        if profile not in profiles:
            known = ", ".join(sorted(profiles)) or "none defined"
            raise ConfigError(f"unknown profile {profile!r} (profiles: {known})")
        _merge(config, profile_overlay(profiles[profile]), f"profile:{profile}")
        config.profile = profile

    for var, key in ENV_KEYS.items():
        if env.get(var):
            _merge(config, nest(key, env[var]), f"env:{var}")
    for key, value in (flags or {}).items():
        if value is not None:
            _merge(config, nest(key, value), "flag")
    return config


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file, line and column."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.object[exc.start:exc.start + 1]!r})", file=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        where = f"{path}:{match.group(1)}:{match.group(2)}" if match else str(path)
        line_col = f" (line {match.group(1)}, column {match.group(2)})" if match else ""
        raise ConfigError(f"{where}: TOML syntax error{line_col}: {reason}", file=str(path)) from exc


def check(table: dict[str, Any], path: Path) -> list[str]:
    """Validate one file's table: raise on a wrong type, return warnings for unknown keys."""
    from .schema import type_name, validate

    unknown, wrong = validate(table)
    text = None
    if wrong:
        text = path.read_text(encoding="utf-8")
        key, expected = wrong[0]
        line = locate_key(text, key)
        where = f"{path}:{line}" if line else str(path)
        value = _lookup(table, key)
        got = type_name(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            got = f"{value!r}"  # a number out of range: its value says more than its type
        raise ConfigError(f"{where}: {key} must be {expected}, got {got}", file=str(path), key=key)
    warnings = []
    for key in unknown:
        text = text if text is not None else path.read_text(encoding="utf-8")
        line = locate_key(text, key)
        where = f"{path}:{line}" if line else str(path)
        warnings.append(f"{where}: unknown key {key!r} (ignored)")
    return warnings


def locate_key(text: str, dotted: str) -> int | None:
    """The line number where ``dotted`` is defined, found by following table headers."""
    parts = dotted.split(".")
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            table = [p.strip().strip('"') for p in header.group(1).split(".")]
            if table == parts:
                return number
            continue
        assignment = re.match(r'^([A-Za-z0-9_\-."\s]+?)\s*=', stripped)
        if assignment:
            key = [p.strip().strip('"') for p in assignment.group(1).split(".")]
            if table + key == parts or (table + key)[: len(parts)] == parts:
                return number
    return None


def profile_overlay(profile: dict[str, Any]) -> dict[str, Any]:
    """A profile as a config layer: shortcuts expanded, other tables merged as they are."""
    overlay = {k: copy.deepcopy(v) for k, v in profile.items() if k not in PROFILE_SHORTCUTS}
    provider = profile.get("provider")
    if provider:
        overlay.setdefault("provider", {})["default"] = provider
    model = profile.get("model")
    if model:
        overlay["model"] = model if "/" in model or not provider else f"{provider}/{model}"
    for key in ("base_url", "api_key_env", "temperature", "max_tokens"):
        if key in profile and provider:
            overlay.setdefault("provider", {}).setdefault(provider, {})[key] = profile[key]
    return overlay


def nest(dotted: str, value: Any) -> dict[str, Any]:
    node: dict[str, Any] = {}
    root = node
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return root


def _merge(config: Config, layer: dict[str, Any], origin: str) -> None:
    from .merge import merge_into

    origins = config.origins

    def note(dotted: str, value: Any) -> None:
        for stale in [k for k in origins if k.startswith(dotted + ".")]:
            del origins[stale]
        if isinstance(value, dict):
            _record_origins(value, origins, origin, dotted)
        else:
            origins[dotted] = origin

    merge_into(config.data, layer, note)


def _record_origins(table: dict, origins: dict[str, str], origin: str, prefix: str) -> None:
    if not table:
        origins[prefix] = origin
    for key, value in table.items():
        if isinstance(value, dict):
            _record_origins(value, origins, origin, f"{prefix}.{key}")
        else:
            origins[f"{prefix}.{key}"] = origin


def _lookup(table: dict, dotted: str) -> Any:
    node: Any = table
    for part in dotted.split("."):
        node = node[part]
    return node
