"""One scenario per shipped recipe: a small project, the command line, and what the
model answers. The end-to-end tests run them against the fake model server, and
``record.py`` runs the very same ones to make ``recipes/NAME.jsonl``, so a recording
always matches the inputs its replay test gives (a replay finds its answers by the
step, the call number and a fingerprint of the first user message).

Files are written with fixed modification times: ``grep`` lists the newest first.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from fakellm.script import Reply

REPO = Path(__file__).resolve().parents[2]
RECORDINGS = REPO / "recipes"


def fake_server_config(url: str) -> str:
    """An ``opencode.toml`` that sends every model call to the fake server at ``url``
    (what the ``llm_project`` fixture writes)."""
    return f'[provider]\ndefault = "openai"\n[provider.openai]\nbase_url = "{url}/v1"\nmodel = "gpt-4o"\n[llm]\nidle_timeout = 2\nmax_retries = 2\n'


@dataclass
class Scenario:
    recipe: str
    args: list[str]
    replies: list[Reply]
    setup: Callable[[Path], None]
    #: What the run needs beyond the recipe's read-only defaults (--allow ...).
    grants: list[str] = field(default_factory=list)

    def command(self) -> list[str]:
        return ["run", self.recipe, *self.args, *self.grants]

    @property
    def recording(self) -> Path:
        """The shipped recording of this scenario, ``recipes/NAME.jsonl``."""
        return RECORDINGS / f"{self.recipe}.jsonl"


def git(root: Path, *args: str) -> str:
    """git in ``root`` as a fixed author, on a branch called main; its stdout."""
    config = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    return subprocess.run(["git", *config, *args], cwd=root, check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def write(root: Path, files: dict[str, str]) -> None:
    """``files`` written, each an hour older than the one after it."""
    for number, (name, text) in enumerate(files.items()):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        stamp = 1_700_000_000 + 3600 * number
        os.utime(path, (stamp, stamp))


def start_repo(root: Path, files: dict[str, str]) -> None:
    """``root`` on branch main, with ``files`` (and whatever was there) committed."""
    git(root, "checkout", "-q", "-B", "main")
    write(root, files)
    commit_all(root, "start")


# -- review -----------------------------------------------------------------------

CALC = '"""Small statistics helpers."""\n\n\ndef average(values):\n    """The arithmetic mean of ``values``."""\n    return sum(values) / len(values)\n'
MEDIAN = '\n\ndef median(values):\n    """The middle value of ``values``."""\n    ordered = sorted(values)\n    return ordered[len(ordered) // 2]\n'

FINDINGS = {
    "findings": [
        {"file": "calc.py", "line": 12, "severity": "major", "message": "median() returns the upper of the two middle values when there is an even number of them; the median is their mean (median([1, 2, 3, 4]) should be 2.5, not 3)."},
        {"file": "calc.py", "line": 11, "severity": "minor", "message": "median([]) raises IndexError (and average([]) ZeroDivisionError); raise a ValueError that says the list is empty, in both."},
    ]
}
REVIEW = """# Review

One real bug: `median` is wrong for an even number of values; the rest is small.

## Major

- `calc.py:12`: median() returns the upper of the two middle values when there is an even number of them; the median is their mean (median([1, 2, 3, 4]) should be 2.5, not 3).

## Minor

- `calc.py:11`: median([]) raises IndexError (and average([]) ZeroDivisionError); raise a ValueError that says the list is empty, in both.
"""


def review_setup(root: Path) -> None:
    """main has calc.py; the branch feature adds median() to it."""
    start_repo(root, {"calc.py": CALC})
    git(root, "checkout", "-q", "-b", "feature")
    write(root, {"calc.py": CALC + MEDIAN})
    commit_all(root, "Add median()")


review = Scenario("review", ["-p", "base=main"], [Reply.text(json.dumps(FINDINGS)), Reply.text(REVIEW, chunks=4)], review_setup)


# -- explain: a file of opencode itself, the one the README explains ---------------

EXPLAINED = "opencode/suggest.py"
EXPLANATION = """# `opencode/suggest.py`

This module is the single place where opencode suggests a known name for a mistyped
one. Whenever a person names a tool, agent, command or recipe parameter that does not
exist, the error they see ends with the same kind of hint ("did you mean plan?"), so
they learn what was meant the same way everywhere.

## How it works

- **`close_names(name, known, n=3)`** returns up to `n` entries of `known` that look
  like `name`, best match first. It hands the work to the standard library's
  `difflib.get_close_matches`, which ranks candidates by a similarity ratio and drops
  those below 0.6. `known` may be any iterable (a dict gives its keys); it is turned
  into a list first.
- **`did_you_mean(name, known, n=3)`** wraps that into the text of a hint:
  `"did you mean plan?"`, or `"did you mean read, ready?"` for several, and `None`
  when nothing is close, so a caller can write `hint or fallback`.

## Worth knowing

- `difflib` is imported inside `close_names`, not at the top: the module is in the
  core layer, where imports must stay cheap so that `opencode --help` starts fast.
- The `TYPE_CHECKING = False` line is a cheaper stand-in for `typing.TYPE_CHECKING`:
  the `Iterable` import below it is only for type checkers and never runs.
- Matching is case-sensitive and purely textual: `Plan` is close to `plan`, but an
  alias or a synonym is not found.
"""


def explain_setup(root: Path) -> None:
    """A project holding a copy of the file the README explains."""
    write(root, {EXPLAINED: (REPO / EXPLAINED).read_text()})


explain = Scenario("explain", ["-p", f"file={EXPLAINED}"], [Reply.text(EXPLANATION, chunks=6)], explain_setup)


# -- commit-message -----------------------------------------------------------------

GREET = 'import sys\n\n\ndef main(argv):\n    name = argv[1] if len(argv) > 1 else "world"\n    print(f"hello, {name}")\n\n\nif __name__ == "__main__":\n    main(sys.argv)\n'
GREET_LOUD = GREET.replace('    print(f"hello, {name}")\n', '    greeting = f"hello, {name}"\n    print(greeting.upper() if "--loud" in argv else greeting)\n').replace('argv[1] if len(argv) > 1', 'argv[1] if len(argv) > 1 and argv[1] != "--loud"')
MESSAGE = "Add a --loud flag to the greeting script\n\nWith --loud the greeting is printed in capitals. The flag is not taken\nfor the name when it comes first.\n"


def commit_setup(root: Path) -> None:
    """greet.py committed, then a --loud flag staged (and an unstaged change left out)."""
    start_repo(root, {"greet.py": GREET})
    write(root, {"greet.py": GREET_LOUD})
    git(root, "add", "greet.py")
    write(root, {"notes.txt": "not staged\n"})


commit_message = Scenario("commit-message", [], [Reply.text(MESSAGE, chunks=3)], commit_setup)


# -- fix-tests ----------------------------------------------------------------------

TEST_CALC = '''"""The tests, as a script (its output has no timings, so a recording replays)."""
import sys

from calc import add

failures = [f"add({a}, {b}) is {add(a, b)}, expected {want}" for a, b, want in [(2, 2, 4), (1, 0, 1)] if add(a, b) != want]
print("\\n".join(failures) or "all tests pass")
sys.exit(1 if failures else 0)
'''
BUGGY_ADD = 'def add(a, b):\n    """The sum of a and b."""\n    return a - b\n'


def fix_setup(root: Path) -> None:
    start_repo(root, {"calc.py": BUGGY_ADD, "test_calc.py": TEST_CALC})


fix_tests = Scenario(
    "fix-tests",
    ["-p", "test_command=python3 test_calc.py"],
    [
        Reply.tool_call("read", {"path": "calc.py"}),
        Reply.tool_call("edit", {"path": "calc.py", "old_string": "    return a - b", "new_string": "    return a + b"}),
        Reply.text("add() subtracted b instead of adding it (`return a - b`); it returns `a + b` now, and both cases of test_calc.py pass."),
    ],
    fix_setup,
    grants=["--allow", "bash:python3 test_calc.py"],
)


# -- document -----------------------------------------------------------------------

SHAPES = "import math\n\n\nclass Circle:\n    def __init__(self, radius):\n        self.radius = radius\n\n    def area(self):\n        return math.pi * self.radius ** 2\n"
SHAPES_DOC = '"""Geometric shapes."""\n\nimport math\n\n\nclass Circle:\n    """A circle, given by its radius."""\n\n    def __init__(self, radius):\n        """A circle of ``radius``."""\n        self.radius = radius\n\n    def area(self):\n        """The area: pi times the radius squared."""\n        return math.pi * self.radius ** 2\n'
UNITS = "def celsius_to_fahrenheit(celsius):\n    return celsius * 9 / 5 + 32\n"
UNITS_DOC = '"""Conversions between units."""\n\n\ndef celsius_to_fahrenheit(celsius):\n    """``celsius`` degrees Celsius in degrees Fahrenheit."""\n    return celsius * 9 / 5 + 32\n'


def document_setup(root: Path) -> None:
    start_repo(root, {"shapes.py": SHAPES, "units.py": UNITS})


document = Scenario(
    "document",
    ["-p", "files=shapes.py,units.py"],
    [
        Reply.tool_call("write", {"path": "shapes.py", "content": SHAPES_DOC}),
        Reply.text("Documented the module, Circle, Circle.__init__ and Circle.area."),
        Reply.tool_call("write", {"path": "units.py", "content": UNITS_DOC}),
        Reply.text("Documented the module and celsius_to_fahrenheit."),
    ],
    document_setup,
    grants=["--allow", "bash:python3 *"],
)


# -- refactor -----------------------------------------------------------------------

LIB = '"""Processing of records."""\n\n\ndef old_process(items):\n    """Deprecated: use new_process."""\n    return new_process(items)\n\n\ndef new_process(items):\n    """The items, stripped and lower-cased."""\n    return [item.strip().lower() for item in items]\n'
LIB_NEW = '"""Processing of records."""\n\n\ndef new_process(items):\n    """The items, stripped and lower-cased."""\n    return [item.strip().lower() for item in items]\n'
APP = 'from lib import old_process\n\n\ndef main():\n    return old_process([" A ", "b "])\n'
REPORT = 'import lib\n\n\ndef summary(items):\n    return ", ".join(lib.old_process(items))\n'
TEST_APP = '"""The tests, as a script."""\nfrom app import main\nfrom report import summary\n\nassert main() == ["a", "b"], main()\nassert summary([" X", "y "]) == "x, y", summary([" X", "y "])\nprint("all tests pass")\n'
PLAN = """1. app.py: import new_process instead of old_process, and call it in main(); the arguments and the result are the same.
2. report.py: call lib.new_process instead of lib.old_process in summary().
3. lib.py: delete old_process (lines 4-6); nothing else uses it.
"""


def refactor_setup(root: Path) -> None:
    start_repo(root, {"lib.py": LIB, "report.py": REPORT, "app.py": APP, "test_app.py": TEST_APP})


refactor = Scenario(
    "refactor",
    ["-p", "old=old_process", "-p", "new=new_process", "-p", "test_command=python3 test_app.py"],
    [
        Reply.text(PLAN),
        Reply.tool_calls(("read", {"path": "app.py"}), ("read", {"path": "report.py"})),
        Reply.tool_calls(
            ("edit", {"path": "app.py", "old_string": "from lib import old_process\n\n\ndef main():\n    return old_process(", "new_string": "from lib import new_process\n\n\ndef main():\n    return new_process("}),
            ("edit", {"path": "report.py", "old_string": "lib.old_process(items)", "new_string": "lib.new_process(items)"}),
        ),
        Reply.text("app.py and report.py call new_process now."),
        Reply.tool_call("read", {"path": "lib.py"}),
        Reply.tool_call("edit", {"path": "lib.py", "old_string": 'def old_process(items):\n    """Deprecated: use new_process."""\n    return new_process(items)\n\n\n', "new_string": ""}),
        Reply.text("Removed old_process from lib.py."),
    ],
    refactor_setup,
    grants=["--allow", "bash:python3 test_app.py"],
)

ALL = {s.recipe: s for s in (review, explain, commit_message, fix_tests, document, refactor)}
