"""Helpers for the sandbox tests: the kernel's support, and a place without user namespaces."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from opencode.tools import sandbox

SUPPORT = sandbox.support()

#: Marks a test that needs Landlock; skipped, naming why, only where the kernel lacks it.
needs_landlock = pytest.mark.skipif(not SUPPORT.landlock, reason=f"no Landlock on this kernel: {SUPPORT.reason}")


def refused_namespaces(tmp_path: Path) -> list[str]:
    """A command prefix that runs opencode where it may not make user namespaces: a
    user namespace whose user is unmapped (so everything under ``tmp_path``, where the
    test keeps its project, home and data, is opened to all)."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-U", "true"], capture_output=True).returncode != 0:
        pytest.skip("needs unshare(1) and user namespaces, to make a place that refuses them")
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o777 if path.is_dir() else 0o666)
    return [unshare, "-U"]
