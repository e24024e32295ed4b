"""Path safety: one policy decides what a tool may touch."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencode.errors import PermissionDenied
from opencode.paths import PathPolicy, find_project_root


def test_project_root_is_nearest_marker(tmp_path: Path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    deep = tmp_path / "repo" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_root(deep) == tmp_path / "repo"
    (tmp_path / "repo" / "a" / "opencode.toml").write_text("")
    assert find_project_root(deep) == tmp_path / "repo" / "a"


def test_sibling_with_common_prefix_is_outside(tmp_path: Path):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj2").mkdir()
    policy = PathPolicy(tmp_path / "proj", tmp_path / "proj")
    with pytest.raises(PermissionDenied):
        policy.resolve("../proj2/x")
    assert policy.resolve("sub/../x") == (tmp_path / "proj" / "x").resolve()


def test_allow_and_allowed_paths(tmp_path: Path):
    root = tmp_path / "proj"
    root.mkdir()
    assert PathPolicy(root, root, external="allow").resolve("/etc/hostname") == Path("/etc/hostname")
    shared = tmp_path / "shared"
    shared.mkdir()
    policy = PathPolicy(root, root, allowed=[shared])
    assert policy.resolve(str(shared / "a")) == shared / "a"
    with pytest.raises(PermissionDenied):
        PathPolicy(root, root, external="ask").resolve("/etc/hostname")


def test_symlinks_are_followed(tmp_path: Path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "out").symlink_to(tmp_path)
    with pytest.raises(PermissionDenied):
        PathPolicy(root, root).resolve("out/secret")
