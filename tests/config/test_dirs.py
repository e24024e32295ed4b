"""The XDG shortcut in config/dirs.py must give platformdirs' own answer on Linux."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from opencode.config import dirs


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut applies to Linux only")
@pytest.mark.parametrize("xdg", [None, "/custom/xdg"])
def test_linux_dirs_match_platformdirs(monkeypatch, xdg):
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        if xdg:
            monkeypatch.setenv(variable, xdg)
        else:
            monkeypatch.delenv(variable, raising=False)
    import os

    env = dict(os.environ)
    assert dirs.user_config_file(env) == Path(platformdirs.user_config_dir("opencode")) / "opencode.toml"
    assert dirs.data_dir(env) == Path(platformdirs.user_data_dir("opencode"))


def test_environment_overrides():
    env = {"OPENCODE_CONFIG": "/x/my.toml", "OPENCODE_DATA_DIR": "/y/data"}
    assert dirs.user_config_file(env) == Path("/x/my.toml")
    assert dirs.data_dir(env) == Path("/y/data")
