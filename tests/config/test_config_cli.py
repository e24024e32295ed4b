"""opencode.toml layering and the config commands, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path


def user_config(env: dict) -> Path:
    path = Path(env["OPENCODE_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_precedence_flag_env_profile_project_user_default(oc, project: Path, env: dict):
    user_config(env).write_text('[provider]\ndefault = "groq"\n[ui]\ntheme = "user-theme"\nlanguage = "fr"\n')
    (project / "opencode.toml").write_text(
        '[ui]\ntheme = "project-theme"\n[profiles.fast]\nprovider = "openai"\nmodel = "gpt-4o-mini"\n'
    )
    get = lambda *a, **kw: oc(*a, "config", "get", kw.pop("key"), **kw).record  # noqa: E731
    assert get(key="ui.theme")["value"] == "project-theme"
    assert get(key="ui.theme")["origin"] == str(project / "opencode.toml")
    assert get(key="ui.language")["value"] == "fr"
    assert get(key="lsp.timeout")["origin"] == "default"
    assert get(key="provider.default")["value"] == "groq"
    assert get("--profile", "fast", key="provider.default")["value"] == "openai"
    assert get("--profile", "fast", key="model")["value"] == "openai/gpt-4o-mini"
    env_rec = get("--profile", "fast", key="provider.default", extra_env={"OPENCODE_PROVIDER": "mistral"})
    assert env_rec["value"] == "mistral" and env_rec["origin"] == "env:OPENCODE_PROVIDER"
    flag_rec = get("--profile", "fast", "--provider", "cohere", key="provider.default", extra_env={"OPENCODE_PROVIDER": "mistral"})
    assert flag_rec["value"] == "cohere" and flag_rec["origin"] == "flag"


def test_nearest_project_file_upward(oc, project: Path):
    (project / "opencode.toml").write_text('[ui]\ntheme = "root"\n')
    sub = project / "a" / "b"
    sub.mkdir(parents=True)
    assert oc("config", "get", "ui.theme", cwd=sub).record["value"] == "root"
    (project / "a" / "opencode.toml").write_text('[ui]\ntheme = "nearer"\n')
    assert oc("config", "get", "ui.theme", cwd=sub).record["value"] == "nearer"


def test_show_origin_masks_secrets(oc, project: Path):
    (project / "opencode.toml").write_text(
        '[mcp.servers.github]\ncommand = "mcp-github"\nenv = { GITHUB_TOKEN = "ghp_supersecret" }\n'
    )
    result = oc("config", "show", "--origin")
    assert result.code == 0
    assert "ghp_supersecret" not in result.stdout
    rec = result.record
    assert rec["config"]["mcp"]["servers"]["github"]["env"]["GITHUB_TOKEN"] == "***"
    assert rec["origins"]["mcp.servers.github.command"] == str(project / "opencode.toml")
    assert rec["origins"]["ui.theme"] == "default"


def test_set_keeps_comments_and_types(oc, project: Path):
    path = project / "opencode.toml"
    path.write_text('# team settings\n[provider]\ndefault = "openai"  # we pay for this one\n')
    assert oc("config", "set", "lsp.timeout", "45").code == 0
    assert oc("config", "set", "permissions.bash_allow", '["git *", "ls"]').code == 0
    assert oc("config", "set", "provider.anthropic.model", "claude-sonnet-4").code == 0
    text = path.read_text()
    assert "# team settings" in text and "# we pay for this one" in text
    import tomllib

    data = tomllib.loads(text)
    assert data["lsp"]["timeout"] == 45
    assert data["permissions"]["bash_allow"] == ["git *", "ls"]
    assert data["provider"]["anthropic"]["model"] == "claude-sonnet-4"


def test_set_wrong_type_exits_2_and_leaves_file(oc, project: Path):
    path = project / "opencode.toml"
    path.write_text("[lsp]\ntimeout = 30\n")
    result = oc("config", "set", "lsp.timeout", "soon")
    assert result.code == 2
    assert "lsp.timeout" in result.stderr and "number" in result.stderr
    assert path.read_text() == "[lsp]\ntimeout = 30\n"


def test_set_global_writes_user_file(oc, project: Path, env: dict):
    assert oc("config", "set", "ui.theme", "light", "--global").code == 0
    assert 'theme = "light"' in Path(env["OPENCODE_CONFIG"]).read_text()
    assert not (project / "opencode.toml").exists()


def test_syntax_error_names_file_line_and_column(oc, project: Path):
    (project / "opencode.toml").write_text('[ui]\ntheme = "dark"\nlanguage = \n')
    result = oc("config", "validate")
    assert result.code == 2
    assert f"{project / 'opencode.toml'}:3:" in result.stderr
    assert "line 3, column" in result.stderr
    # Every command refuses a broken config the same way, with no traceback.
    read = oc("read", "x.py")
    assert read.code == 2 and "Traceback" not in read.stderr


def test_wrong_type_names_key_and_expected_type(oc, project: Path):
    (project / "opencode.toml").write_text('[provider.anthropic]\nmodel = "x"\nmax_tokens = "many"\n')
    result = oc("config", "validate")
    assert result.code == 2
    assert "provider.anthropic.max_tokens must be integer, got string" in result.stderr
    assert ":3:" in result.stderr


def test_unknown_key_is_a_warning(oc, project: Path):
    (project / "opencode.toml").write_text("[ui]\nthem = \"dark\"\n")
    result = oc("config", "validate")
    assert result.code == 0
    assert "unknown key 'ui.them'" in result.stderr
    assert result.record["warnings"]


def test_unknown_profile_is_a_usage_error(oc, project: Path):
    (project / "opencode.toml").write_text('[profiles.dev]\nprovider = "anthropic"\n')
    result = oc("--profile", "nope", "config", "show")
    assert result.code == 2 and "dev" in result.stderr


def test_tools_section_disables_a_tool(oc, project: Path):
    (project / "opencode.toml").write_text("[tools]\nbash = false\n")
    result = oc("bash", "echo hi")
    assert result.code == 3 and "disabled" in result.stderr
    listed = {r["name"]: r for r in oc("tool", "list").records}
    assert listed["bash"]["enabled"] is False and listed["read"]["enabled"] is True


def test_config_path_reports_files(oc, project: Path, env: dict):
    rec = oc("config", "path").record
    assert rec["user"] == env["OPENCODE_CONFIG"]
    assert rec["data_dir"] == env["OPENCODE_DATA_DIR"]
    assert rec["project"] is None
    (project / "opencode.toml").write_text("")
    assert oc("config", "path").record["project"] == str(project / "opencode.toml")
    assert json.loads(oc("config", "path", "--json").stdout)["type"] == "config_paths"
