"""The step cache on a real diskcache, in real folders, from real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from opencode.app.recipes.stepcache import StepCache, step_key

RESULT = {"status": "ok", "text": "2 problems found", "usage": {"input_tokens": 10, "output_tokens": 3}}


@pytest.fixture
def cache(tmp_path: Path):
    made = StepCache(tmp_path / "data")
    yield made
    made.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "main.py").write_text("print('hi')\n")
    return tmp_path / "proj"


def age(path: Path, seconds: float = 60) -> None:
    """Make ``path`` look modified ``seconds`` ago (older than any entry's racy window)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - int(seconds * 1e9)))


def test_step_key_is_canonical_json():
    """Key order and non-JSON values do not change the key; the values do."""
    assert step_key("ask", {"a": 1, "b": Path("x")}) == step_key("ask", {"b": "x", "a": 1})
    assert step_key("ask", {"a": 1}) != step_key("ask", {"a": 2})
    assert len(step_key()) == 64


def test_a_stored_result_comes_back_while_its_files_are_unchanged(cache, root):
    key = step_key("lint", {"path": "main.py"})
    assert cache.get(key, root) is None

    cache.put(key, RESULT, [root / "main.py"], root)

    assert cache.get(key, root) == RESULT
    assert (cache.directory.parent.name, cache.directory.name) == ("cache", "recipes")


def test_changed_content_is_a_miss(cache, root):
    """Same size, same mtime even, other bytes: the hash tells (the file is young)."""
    main = root / "main.py"
    cache.put("k", RESULT, [main], root)
    before = main.stat()

    main.write_text("print('ho')\n")
    os.utime(main, ns=(before.st_atime_ns, before.st_mtime_ns))

    assert cache.get("k", root) is None


def test_changed_content_of_an_old_file_with_a_new_mtime_is_a_miss(cache, root):
    main = root / "main.py"
    age(main)
    cache.put("k", RESULT, ["main.py"], root)

    main.write_text("print('changed')\n")

    assert cache.get("k", root) is None


def test_a_new_mtime_with_the_same_content_is_a_hit(cache, root):
    """``touch`` (or a fresh checkout) does not re-run the step."""
    main = root / "main.py"
    age(main)
    cache.put("k", RESULT, [main], root)

    os.utime(main)

    assert cache.get("k", root) == RESULT
    assert cache._open().get("k")["files"][0]["mtime_ns"] == main.stat().st_mtime_ns  # refreshed: no hashing next time


def test_an_old_file_with_the_same_size_and_mtime_is_not_read(cache, root):
    """The make-like fast check: an old file whose size and mtime match is not hashed.
    Proven by changing its bytes behind the cache's back, keeping size and mtime."""
    main = root / "main.py"
    age(main)
    cache.put("k", RESULT, [main], root)
    before = main.stat()

    main.write_text("print('ho')\n")
    os.utime(main, ns=(before.st_atime_ns, before.st_mtime_ns))

    assert cache.get("k", root) == RESULT


def test_a_file_recorded_missing_that_appears_is_a_miss(cache, root):
    cache.put("k", RESULT, [root / "out.txt"], root)
    assert cache.get("k", root) == RESULT

    (root / "out.txt").write_text("now here\n")

    assert cache.get("k", root) is None


def test_a_deleted_file_is_a_miss(cache, root):
    cache.put("k", RESULT, [root / "main.py"], root)
    (root / "main.py").unlink()
    assert cache.get("k", root) is None


def test_a_path_outside_the_root_is_a_miss(cache, root, tmp_path):
    """Outside the root by name or through a symlink: never trusted, never followed."""
    (tmp_path / "outside.txt").write_text("secret\n")
    (root / "link.txt").symlink_to(tmp_path / "outside.txt")

    for given in (tmp_path / "outside.txt", root / ".." / "outside.txt", root / "link.txt"):
        cache.put("k", RESULT, [given], root)
        assert cache.get("k", root) is None, given


def test_a_recorded_path_leading_outside_is_not_followed(cache, root, tmp_path):
    """An entry naming ``../x`` (a moved project, a crafted cache) is a miss."""
    (tmp_path / "x").write_text("x\n")
    cache._open().set("k", {"result": RESULT, "files": [{"path": "../x", "missing": True}], "stored_ns": 0})
    assert cache.get("k", root) is None
    cache._open().set("k", {"result": RESULT, "files": [{"path": str(tmp_path / "x"), "missing": True}], "stored_ns": 0})
    assert cache.get("k", root) is None


def test_forget_and_clear(cache, root):
    cache.put("a", RESULT, [], root)
    cache.put("b", RESULT, [], root)

    cache.forget("a")

    assert cache.get("a", root) is None and cache.get("b", root) == RESULT
    assert cache.clear() == 1
    assert cache.get("b", root) is None


WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from opencode.app.recipes.stepcache import StepCache
    data, root, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    cache = StepCache(data)
    for i in range(40):
        cache.put(f"{name}-{i}", {"n": i, "by": name}, [root / "main.py"], root)
        cache.put("shared", {"by": name}, [root / "main.py"], root)
        assert cache.get(f"{name}-{i}", root) == {"n": i, "by": name}
        assert cache.get("shared", root) in ({"by": "a"}, {"by": "b"})
    cache.close()
    print("ok")
    """
)


def test_two_processes_share_one_cache(tmp_path, root):
    """Both write and read at once; every entry is whole afterwards."""
    data = tmp_path / "data"
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(data), str(root), name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    outcomes = [proc.communicate(timeout=60) for proc in procs]

    assert [p.returncode for p in procs] == [0, 0], outcomes
    cache = StepCache(data)
    try:
        for name in ("a", "b"):
            assert [cache.get(f"{name}-{i}", root) for i in range(40)] == [{"n": i, "by": name} for i in range(40)]
    finally:
        cache.close()


CACHED_RUN = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    started = time.perf_counter()
    from opencode.app.recipes.stepcache import StepCache, step_key
    data, root = Path(sys.argv[1]), Path(sys.argv[2])
    cache = StepCache(data)
    keys = [step_key("shell", {"cmd": f"step {i}"}, "model", {}) for i in range(10)]
    if sys.argv[3] == "put":
        for key in keys:
            cache.put(key, {"text": key}, [root / "main.py", root / "missing.txt"], root)
    hits = [cache.get(key, root) is not None for key in keys]
    cache.close()
    print(json.dumps({"hits": hits, "seconds": time.perf_counter() - started,
                      "litellm": any(m == "litellm" or m.startswith("litellm.") for m in sys.modules)}))
    """
)


def test_a_cached_rerun_is_quick_and_never_imports_litellm(tmp_path, root):
    """Ten steps stored by one process, found by the next: import, open and ten checks
    under half a second (about 0.02 s normally), and no litellm."""
    data = tmp_path / "data"

    def run(mode: str) -> dict:
        done = subprocess.run([sys.executable, "-c", CACHED_RUN, str(data), str(root), mode], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    stored, rerun = run("put"), run("get")

    assert stored["hits"] == rerun["hits"] == [True] * 10
    assert not stored["litellm"] and not rerun["litellm"]
    assert rerun["seconds"] < 0.5, rerun

