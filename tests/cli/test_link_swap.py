"""A project folder swapped for a link to a folder outside while real ``opencode``
processes write into it: no byte lands outside, whatever the timing."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

from helpers import opencode_command

WRITES = 40  # per writer; two writers run at once
TIME_LIMIT = 30.0


class Swapper(threading.Thread):
    """Swaps ``folder`` for a link to ``outside`` and back until ``stop`` is set."""

    def __init__(self, folder: Path, outside: Path) -> None:
        super().__init__(daemon=True)
        self.folder, self.outside = folder, outside
        self.stop = threading.Event()
        self.swaps = 0

    def run(self) -> None:
        deadline = time.monotonic() + 2 * TIME_LIMIT
        while not self.stop.is_set() and time.monotonic() < deadline:
            spare = self.folder.with_name(f"parked{self.swaps}")
            try:
                os.rename(self.folder, spare)
            except OSError:
                time.sleep(0.0005)
                continue
            try:
                os.symlink(self.outside, self.folder)
            except FileExistsError:  # a write made the folder again meanwhile
                continue
            self.swaps += 1
            time.sleep(0.0003)
            os.unlink(self.folder)
            try:
                os.rename(spare, self.folder)
            except OSError:
                pass
            time.sleep(0.0003 * (1 + self.swaps % 4))


def writer(project: Path, env: dict, name: str, codes: list[int]) -> None:
    deadline = time.monotonic() + TIME_LIMIT
    for number in range(WRITES):
        if time.monotonic() > deadline:
            return
        proc = subprocess.run(
            [*opencode_command(), "write", f"sub/{name}{number % 3}.txt", "--content", f"{name} {number}\n" * 50],
            cwd=project, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
        )
        assert b"Traceback" not in proc.stderr, proc.stderr
        codes.append(proc.returncode)


def test_a_folder_swapped_for_a_link_during_cli_writes_keeps_every_byte_inside(project: Path, env: dict, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "sub").mkdir()
    swapper = Swapper(project / "sub", outside)
    codes: list[int] = []
    writers = [threading.Thread(target=writer, args=(project, env, name, codes)) for name in ("a", "b")]
    swapper.start()
    try:
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join(timeout=2 * TIME_LIMIT)
    finally:
        swapper.stop.set()
        swapper.join(timeout=10)
    assert os.listdir(outside) == []
    assert set(codes) <= {0, 1, 3}, codes
    assert 0 in codes and swapper.swaps > 0
