"""``opencode auth`` and ``opencode models`` as a user runs them."""

from __future__ import annotations

from pathlib import Path


def test_auth_login_list_logout(oc, project: Path, env: dict):
    assert oc("auth", "login", "groq", input="gsk-secret-value\n").code == 0
    auth_file = Path(env["OPENCODE_DATA_DIR"]) / "auth.json"
    assert auth_file.stat().st_mode & 0o777 == 0o600
    listed = oc("auth", "list", extra_env={"OPENAI_API_KEY": "sk-env"})
    assert "gsk-secret-value" not in listed.stdout and "sk-env" not in listed.stdout
    sources = {r["provider"]: r["source"] for r in listed.records}
    assert sources == {"groq": "stored", "openai": "env:OPENAI_API_KEY"}
    assert oc("auth", "logout", "groq").code == 0
    assert oc("auth", "logout", "groq").code == 2
    assert "groq" not in {r["provider"] for r in oc("auth", "list").records}


def test_auth_login_refuses_bad_input(oc):
    assert oc("auth", "login", "nosuch", input="k\n").code == 2
    assert oc("auth", "login", "openai", input="").code == 2
    assert oc("auth", "login", input="k\n").code == 2


def test_stored_key_reaches_the_provider(oc, llm_project: Path, fake_llm):
    from fakellm.script import Reply

    assert oc("auth", "login", "openai", input="sk-stored\n").code == 0
    fake_llm.script(Reply.text("hi"))
    result = oc("ask", "hello")
    assert result.code == 0, result.stderr
    assert fake_llm.chat_requests[-1].header("authorization") == "Bearer sk-stored"


def test_models_lists_prices_and_local_servers(oc, project: Path, fake_llm):
    (project / "opencode.toml").write_text(f'[provider.ollama]\nbase_url = "{fake_llm.url}"\n')
    anthropic = oc("models", "anthropic").records
    assert anthropic and all(r["provider"] == "anthropic" for r in anthropic)
    priced = [r for r in anthropic if r["input_per_mtok"]]
    assert priced and all(r["context_window"] for r in priced)
    local = oc("models", "ollama").records
    assert "ollama/llama3.2:latest" in {r["model"] for r in local if r["source"] == fake_llm.url}
    assert oc("models", "nosuch").code == 2
