"""Where opencode keeps its files: the user config file and the data directory.

``OPENCODE_CONFIG`` names the user config file and ``OPENCODE_DATA_DIR`` the data
directory; otherwise platformdirs gives the platform's usual places. The environment is
passed in, never read here, so tests and servers can point these anywhere.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping

APP = "opencode"
CONFIG_NAME = "opencode.toml"


def user_config_file(env: Mapping[str, str]) -> Path:
    if env.get("OPENCODE_CONFIG"):
        return Path(env["OPENCODE_CONFIG"]).expanduser()
    return _platform_dir("config", env) / CONFIG_NAME


def user_config_dir(env: Mapping[str, str]) -> Path:
    return user_config_file(env).parent


def data_dir(env: Mapping[str, str]) -> Path:
    if env.get("OPENCODE_DATA_DIR"):
        return Path(env["OPENCODE_DATA_DIR"]).expanduser()
    return _platform_dir("data", env)


_XDG = {"config": ("XDG_CONFIG_HOME", ".config"), "data": ("XDG_DATA_HOME", ".local/share")}


def _platform_dir(kind: str, env: Mapping[str, str]) -> Path:
    """The user's config or data directory for opencode.

    On Linux this is the XDG rule that platformdirs applies, computed directly: every
    command needs the config path, and importing platformdirs costs more than a whole
    ``read``. ``tests/config/test_dirs.py`` holds the two to the same answer.
    Elsewhere platformdirs decides.
    """
    import sys

    if sys.platform.startswith("linux"):
        variable, fallback = _XDG[kind]
        base = env.get(variable, "").strip()
        return Path(base if base else Path.home() / fallback) / APP
    import platformdirs

    finder = platformdirs.user_config_dir if kind == "config" else platformdirs.user_data_dir
    return Path(finder(APP))


def find_project_file(cwd: Path) -> Path | None:
    """The nearest ``opencode.toml`` at or above ``cwd``."""
    for directory in (cwd, *cwd.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
