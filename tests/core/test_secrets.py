"""Secrets are masked by value: what a credential looks like, and whose it is, not
only what its variable is called."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakellm.script import Reply
from opencode.secrets import MASK, Redactor

# Shaped like real credentials, made up for these tests.
TOKENS = [
    "sk-ant-api03-" + "a1B2" * 10,
    "sk-proj-" + "Zz09" * 8,
    "AKIA" + "ABCDEFGHIJKLMNOP",
    "ghp_" + "x" * 36,
    "github_pat_" + "A1" * 15,
    "xoxb-1234567890-abcdefghij",
    "AIza" + "S" * 35,
    "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
]


@pytest.mark.parametrize("token", TOKENS)
def test_well_known_credential_shapes_are_masked(token):
    assert Redactor({}).text(f"found {token} in the file") == f"found {MASK} in the file"


@pytest.mark.parametrize("word", ["sk-learn", "ghp_abc", "AKIA", "password", "token", "xoxb-1", "a1B2c3d4e5", "AIzaSmall"])
def test_ordinary_words_are_never_masked(word):
    assert Redactor({"OPENAI_API_KEY": "sk-" + "q" * 30}).text(f"use {word} here") == f"use {word} here"


def test_values_of_named_variables_and_stored_keys_are_masked():
    env = {"MY_LLM_CREDENTIAL": "correct-horse-battery", "SHORT_TOKEN": "1234", "HOME": "/home/me"}
    redactor = Redactor(env, names=["MY_LLM_CREDENTIAL"], values=["stored-key-from-auth-login"])
    text = "env: MY_LLM_CREDENTIAL=correct-horse-battery SHORT_TOKEN=1234 key=stored-key-from-auth-login HOME=/home/me"
    assert redactor.text(text) == f"env: MY_LLM_CREDENTIAL={MASK} SHORT_TOKEN=1234 key={MASK} HOME=/home/me"


def test_no_file_a_run_leaves_holds_a_secret(oc, llm_project: Path, fake_llm, keys, env):
    """The grep over everything a run writes: sessions, the data dir, exports."""
    custom = "custom-credential-value-42"
    with open(llm_project / "opencode.toml", "a") as config:
        config.write('[provider.custom_llm]\nbase_url = "http://127.0.0.1:9"\napi_key_env = "MY_LLM_CREDENTIAL"\n')
    github = "ghp_" + "k" * 36
    (llm_project / "notes.txt").write_text(f"deploy token {github}\n")
    stored = "plain-stored-secret-1234"  # no known shape: masked because auth login stored it
    assert oc("auth", "login", "groq", input=stored + "\n").code == 0
    fake_llm.script(
        Reply.tool_call("read", {"path": "notes.txt"}),
        Reply.tool_call("bash", {"command": "echo $MY_LLM_CREDENTIAL; echo $OPENAI_API_KEY"}),
        Reply.text(f"The token is {github}; the stored key is {stored}."),
    )
    run_env = {**keys, "MY_LLM_CREDENTIAL": custom}
    result = oc("run", "what is in notes.txt?", "--json", "--yes", extra_env=run_env)
    assert result.code == 0, result.stderr
    export = oc("export", result.records[-1]["session_id"], "-o", "exported.json", extra_env=run_env)
    assert export.code == 0, export.stderr
    secrets = [custom, github, stored, keys["OPENAI_API_KEY"]]
    written = [llm_project / "docs" / "sessions", llm_project / "exported.json", Path(env["OPENCODE_DATA_DIR"])]
    files = [p for place in written for p in ([place] if place.is_file() else place.rglob("*")) if p.is_file() and p.name != "auth.json"]
    assert any(f.name.startswith("session_") for f in files)
    leaked = [(str(f), s) for f in files for s in secrets if s in f.read_text(errors="replace")]
    assert leaked == []
    session = json.loads((llm_project / "exported.json").read_text())
    assert MASK in json.dumps(session)


def test_a_spilled_output_is_private_and_keeps_no_secret(oc, project: Path, env):
    """Output too long for a result goes to a file: the user's alone, masked."""
    secret = "spilled-secret-value-99"
    token = "ghp_" + "t" * 36
    command = f"echo $DEPLOY_TOKEN; echo {token}; python3 -c 'print(\"x\" * 40000)'"
    result = oc("bash", command, extra_env={"DEPLOY_TOKEN": secret})
    assert result.code == 0, result.stderr
    saved = Path(result.record["metadata"]["output_file"])
    assert saved.stat().st_mode & 0o777 == 0o600 and saved.parent.stat().st_mode & 0o777 == 0o700
    text = saved.read_text()
    assert secret not in text and token not in text and text.count(MASK) == 2
    assert "x" * 1000 in text
