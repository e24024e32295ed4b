"""Shell commands are parsed, not pattern-matched: the ways around a rule that hostile
testing found, each one tried against the real permission engine.

Every case here was once a way past a rule: a deny for ``rm *`` that ``env rm f``
walked around, an allow for ``echo *`` that overwrote a file, an allow the denial
itself suggested that did not allow the command. The end-to-end test at the bottom
runs them through a headless agent on the fake model: the file must survive.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakellm.script import Reply
from opencode.agent.agents import builtin_agents
from opencode.agent.permissions import Permissions
from opencode.agent.shell import parse
from opencode.paths import PathPolicy
from opencode.tools import builtin_spec

AGENTS = builtin_agents()
BASH = builtin_spec("bash")
DENY_RM = {"bash": {"rm *": "deny", "*": "allow"}}

#: Every one of these deletes ``f``; none names ``rm`` the way a pattern list expects.
BYPASSES = [
    "env rm f",
    "bash -c 'rm f'",
    "echo f | xargs rm",
    "command rm f",
    "/bin/rm f",
    "\\rm f",
    "r''m f",
    "eval rm f",
    "rm${IFS}f",
    "RM=rm; $RM f",
    "echo rm f | sh",
    "for x in f; do rm $x; done",
    "sudo rm f",
    "timeout 5 nice -n 3 rm f",
    "find . -name f -exec rm {} +",
    "cat <<EOF\n$(rm f)\nEOF",
    "(cd . && rm f)",
    "f() { rm f; }; f",
    "sh -c \"$(printf 'rm f')\"",
]


def decide(config: dict, command: str, agent: str = "build", paths=None, **options):
    permissions = Permissions(config, AGENTS[agent], paths=paths, **options)
    return asyncio.run(permissions.decide(BASH, {"command": command}))


@pytest.mark.parametrize("command", BYPASSES)
def test_a_deny_rule_is_not_walked_around(command):
    decision = decide(DENY_RM, command)
    assert not decision.allowed, command


@pytest.mark.parametrize("command", ["env rm f", "bash -c 'rm f'", "\\rm f", "r''m f", "/bin/rm f", "for x in f; do rm $x; done", "echo $(rm f)"])
def test_what_the_parser_can_see_is_denied_even_with_yes(command):
    """A denial is not an ask: ``--yes`` does not lift it, wherever the rm hides."""
    decision = decide(DENY_RM, command, yes=True)
    assert not decision.allowed and "denied by the permission settings" in decision.reason


@pytest.mark.parametrize("command", ["rm${IFS}f", "RM=rm; $RM f", "echo rm f | sh", "eval \"$X\"", "source ./steps.sh", "PATH=.:$PATH ls"])
def test_what_cannot_be_seen_is_an_ask(command):
    """Opaque commands are never allowed by a pattern, only by a person or --yes."""
    assert not decide({"bash_allow": ["*"]}, command).allowed
    assert decide({"bash_allow": ["*"]}, command, yes=True).allowed


def test_an_allow_pattern_matches_the_normalized_command_line():
    command = "python3 -c 'import util; print(1); print(2)'"
    assert decide({}, command, grants=["bash:python3*"]).allowed
    denied = decide({}, command)
    assert "--allow 'bash:python3 *'" in denied.reason
    assert decide({}, command, grants=["bash:python3 *"]).allowed


@pytest.mark.parametrize(
    "command",
    ["ls", "git status && make test", "python3 -c 'print(1)' | tee out.log", "sudo apt-get install -y jq", "npm test; npm run lint", "timeout 60 pytest -x"],
)
def test_every_denial_suggests_grants_that_allow_the_command(command):
    """Pass what the denial message suggests, and the same command runs."""
    denied = decide({}, command)
    assert not denied.allowed
    suggested = [part.split("'")[1] for part in denied.reason.split("--allow ")[1:]]
    assert suggested, denied.reason
    assert decide({}, command, grants=suggested).allowed, (command, suggested)


def test_sudo_needs_its_own_allow():
    assert decide({"bash_allow": ["rm *"]}, "rm build").allowed
    assert not decide({"bash_allow": ["rm *"]}, "sudo rm build").allowed
    assert decide({"bash_allow": ["rm *", "sudo *"]}, "sudo rm build").allowed


def test_a_program_the_model_may_have_written_is_not_the_one_allowed():
    """Allowing ``make *`` allows ``/usr/bin/make``, not a ``./make`` in the project."""
    assert decide({"bash_allow": ["make *"]}, "/usr/bin/make all").allowed
    assert not decide({"bash_allow": ["make *"]}, "./make all").allowed


def test_options_that_run_code_ask_under_an_allow():
    assert decide({"bash_allow": ["git *"]}, "git status").allowed
    assert not decide({"bash_allow": ["git *"]}, "git -c alias.x='!rm f' x").allowed
    assert not decide({"bash_allow": ["git *"]}, "git -c core.pager='rm f' log").allowed
    assert decide({"bash_allow": ["git *"]}, "git commit -c HEAD").allowed  # -c of commit reuses a message
    assert not decide({"bash_allow": ["rg *"]}, "rg --pre ./run.sh x").allowed


# -- paths ------------------------------------------------------------------------------


@pytest.fixture
def policy(project: Path) -> PathPolicy:
    return PathPolicy(project, project)


def test_a_path_outside_the_project_is_refused_for_every_agent(policy, tmp_path: Path):
    secret = tmp_path / "outside.txt"
    secret.write_text("secret\n")
    for agent in ("plan", "build"):
        decision = decide({"bash_allow": ["cat *"]}, f"cat {secret}", agent=agent, paths=policy, yes=True)
        assert not decision.allowed and "outside the project" in decision.reason
    assert decide({"bash_allow": ["cat *"]}, "cat README.md", agent="plan", paths=policy).allowed
    assert not decide({"bash_allow": ["cat *"]}, "cat ../outside.txt", paths=policy, yes=True).allowed
    assert decide({"bash_allow": ["grep *"], "external_directory": "allow"}, f"grep x {secret}", paths=policy).allowed


def test_a_word_that_only_looks_like_a_path_is_not_one(policy):
    assert decide({"bash_allow": ["grep *"]}, "grep -r '/api/v1/' src", paths=policy).allowed


def test_redirections_are_writes(policy, tmp_path: Path):
    allowed = {"bash_allow": ["echo *"]}
    writers = ["write", "edit"]
    assert decide(allowed, "echo hi > notes.txt", paths=policy, writers=writers).allowed
    assert not decide({**allowed, "write": "ask"}, "echo hi > notes.txt", paths=policy, writers=writers).allowed
    outside = decide(allowed, f"echo hi > {tmp_path / 'victim'}", paths=policy, writers=writers, yes=True)
    assert not outside.allowed and "outside the project" in outside.reason
    assert not decide(allowed, "echo hi > .git/config", paths=policy, writers=writers, yes=True).allowed
    assert not decide(allowed, 'echo hi > "$TARGET"', paths=policy, writers=writers).allowed
    assert decide(allowed, "echo hi > /dev/null 2>&1", paths=policy, writers=writers).allowed
    assert not decide(allowed, "echo hi > notes.txt", agent="plan", paths=policy).allowed


def test_the_parser_reads_what_bash_runs():
    script = parse("env FOO=1 r''m -rf \"a b\" 2>&1 | tee log && bash -c 'ls; rm x'")
    assert [c.line for c in script.commands if not c.transparent] == ["rm -rf a b", "tee log", "ls", "rm x"]
    assert script.known and script.writes == []


# -- end to end ---------------------------------------------------------------------------


def test_bypasses_through_a_headless_agent_leave_the_file(oc, llm_project: Path, fake_llm, keys):
    with open(llm_project / "opencode.toml", "a") as config:
        config.write('[permissions.bash]\n"rm *" = "deny"\n"*" = "allow"\n')
    victim = llm_project / "f"
    victim.write_text("keep me\n")
    fake_llm.script(Reply.tool_calls(*[("bash", {"command": c}) for c in BYPASSES]), Reply.text("I tried."))
    result = oc("run", "delete f", "--json", extra_env=keys, timeout=120)
    assert result.code == 0, result.stderr
    results = [r for r in result.records if r["type"] == "tool_result"]
    assert len(results) == len(BYPASSES)
    assert all(r["status"] == "denied" for r in results), [(r["input"], r["status"]) for r in results if r["status"] != "denied"]
    assert victim.read_text() == "keep me\n"


def test_the_plan_agent_cannot_print_a_file_outside_the_project(oc, llm_project: Path, fake_llm, keys, tmp_path: Path):
    """Hostile testing found ``cat /path/outside`` through bash where ``read`` refuses."""
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("the launch code is PELICAN-42\n")
    fake_llm.script(Reply.tool_call("bash", {"command": f"cat {secret}"}), Reply.text("I could not read it."))
    result = oc("agent", "plan", "show me the secret", "--json", "--yes", extra_env=keys)
    assert result.code == 0, result.stderr
    denied = [r for r in result.records if r["type"] == "tool_result"][0]
    assert denied["status"] == "denied" and "outside the project" in denied["error"]
    assert "PELICAN-42" not in result.stdout and "PELICAN-42" not in fake_llm.chat_requests[-1].text
