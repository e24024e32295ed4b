"""Make the shipped recordings, ``recipes/NAME.jsonl``: each recipe's scenario
(``scenarios.py``) run through the real ``opencode`` with ``--record``, its model calls
answered by the fake model server on loopback. No key, no network.

    .venv/bin/python tests/recipes/record.py            # every shipped recipe
    .venv/bin/python tests/recipes/record.py explain    # only these

Run it after changing a shipped recipe's prompts or a scenario; ``test_replay.py``
fails until the recordings match again.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS / "recipes")]

from fakellm.server import FakeLLM  # noqa: E402
from helpers import isolated_env, run  # noqa: E402

import scenarios  # noqa: E402


def record(scenario: scenarios.Scenario, target: Path | None = None) -> Path:
    """Run ``scenario`` once with ``--record``; the recording's path (``target``, by
    default the shipped one). Raises when the run fails or leaves replies unused."""
    target = target or scenario.recording
    with tempfile.TemporaryDirectory(prefix=f"record-{scenario.recipe}-") as tmp, FakeLLM() as server:
        project = Path(tmp) / "proj"
        project.mkdir()
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        (project / "opencode.toml").write_text(scenarios.fake_server_config(server.url))
        scenario.setup(project)
        server.script(*scenario.replies)
        env = {**isolated_env(Path(tmp) / "env"), "OPENAI_API_KEY": "sk-fakellm-test-key"}
        result = run([*scenario.command(), "--record", str(target)], cwd=project, env=env, timeout=120)
        if result.code != 0 or server.pending:
            raise RuntimeError(f"{scenario.recipe}: exit {result.code}, {server.pending} replies unused\n{result.stderr}")
    return target


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(scenarios.ALL))
    if unknown:
        print(f"no scenario for {', '.join(unknown)}; known: {', '.join(scenarios.ALL)}", file=sys.stderr)
        return 2
    for name in names or scenarios.ALL:
        path = record(scenarios.ALL[name])
        print(f"{path.relative_to(scenarios.REPO)}: {sum(1 for _ in path.open()) - 1} model calls")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
