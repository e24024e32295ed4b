"""``opencode bash`` runs in the workspace-write sandbox unless the config turns it off;
bad ``[sandbox]`` settings are one-line errors naming the key."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helpers import opencode_command
from sandboxing import needs_landlock as kernel, refused_namespaces


@pytest.fixture
def beside(tmp_path: Path) -> dict[str, str]:
    """A $TMPDIR and an outside folder beside the project (neither under the other)."""
    (tmp_path / "tmp").mkdir()
    (tmp_path / "outside").mkdir()
    return {"TMPDIR": str(tmp_path / "tmp"), "OUTSIDE": str(tmp_path / "outside")}


@kernel
def test_opencode_bash_is_sandboxed_by_default(oc, project: Path, beside):
    result = oc("bash", 'touch inside "$TMPDIR/t" && touch "$OUTSIDE/made"', extra_env=beside)
    assert result.code != 0
    assert (project / "inside").exists() and (Path(beside["TMPDIR"]) / "t").exists()
    assert not (Path(beside["OUTSIDE"]) / "made").exists()
    assert result.record["metadata"]["sandbox"] == "workspace-write"
    git = oc("bash", "touch .git/hooks/pre-commit", extra_env=beside)
    assert git.code != 0 and not (project / ".git" / "hooks" / "pre-commit").exists()


def test_mode_off_in_the_config_runs_unconfined(oc, project: Path, beside):
    (project / "opencode.toml").write_text('[sandbox]\nmode = "off"\n')
    result = oc("bash", 'touch "$OUTSIDE/made"', extra_env=beside)
    assert result.code == 0, result.stderr
    assert (Path(beside["OUTSIDE"]) / "made").exists()
    assert result.record["metadata"]["sandbox"] == "off"


@pytest.mark.parametrize(
    "line, key",
    [('mode = "strict"', "sandbox.mode"), ('network = "no"', "sandbox.network"), ('writable = "/x"', "sandbox.writable")],
)
def test_bad_sandbox_settings_name_the_key(oc, project: Path, line, key):
    (project / "opencode.toml").write_text(f"[sandbox]\n{line}\n")
    result = oc("bash", "true")
    assert result.code == 2
    assert key in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_config_shows_the_sandbox_defaults(oc):
    result = oc("config", "get", "sandbox.mode")
    assert result.code == 0, result.stderr
    assert "workspace-write" in result.stdout


@kernel
def test_where_user_namespaces_are_refused_landlock_alone_still_holds(project: Path, env, beside, tmp_path: Path):
    (project / "src").mkdir()
    prefix = refused_namespaces(tmp_path)
    command = 'touch src/ok; touch top; touch .git/hooks/x; touch "$OUTSIDE/made"; true'
    done = subprocess.run([*prefix, *opencode_command(), "bash", command], cwd=project, env={**env, **beside}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert (project / "src" / "ok").exists()
    assert not (project / "top").exists() and not (project / ".git" / "hooks" / "x").exists()
    assert not (Path(beside["OUTSIDE"]) / "made").exists()
    assert record["metadata"]["sandbox"] == "workspace-write"
    assert "user namespaces are refused" in record["metadata"]["sandbox_warning"]
