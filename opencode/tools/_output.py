"""What a shell command printed: kept whole while short, its head and tail once long,
with the whole of it in a private file that keeps no secrets.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, BinaryIO, Callable

MAX_OUTPUT = 30_000
HEAD_CHARS = 10_000
TAIL_CHARS = 19_000
KEEP_OUTPUT_DAYS = 7
_KEY_BEGIN, _KEY_END = "-----BEGIN", "PRIVATE KEY-----"


class OutputCapture:
    """The output of a command: whole while short, head and tail once long.

    Up to ``MAX_OUTPUT`` characters everything is kept in memory. Past that, what came
    so far and all that follows is streamed to a file in ``folder``; memory then holds
    only the first ``HEAD_CHARS`` and the last ``TAIL_CHARS`` characters. A file that
    cannot be written costs the full copy, never the command's result.

    The file is the user's alone (mode 0600, in a 0700 folder), its secrets are masked
    by ``mask`` once the command ends (the output of ``env`` must not sit on disk), and
    files older than ``KEEP_OUTPUT_DAYS`` are pruned whenever a new one is made.
    """

    def __init__(self, folder: Path, mask: Callable[[str], str] | None = None) -> None:
        import codecs

        self.folder = folder
        self.mask = mask
        self.chars = 0
        self.path: Path | None = None
        self.save_error: str | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._raw: bytearray | None = bytearray()
        self._head = ""
        self._tail = ""
        self._file: BinaryIO | None = None

    @property
    def truncated(self) -> bool:
        return self.chars > MAX_OUTPUT

    def write(self, data: bytes) -> None:
        self._take(self._decoder.decode(data))
        if self._raw is not None:
            self._raw += data
            if self.truncated:
                self._spill()
        elif self._file is not None:
            self._guard(self._file.write, data)

    def _take(self, chunk: str) -> None:
        self.chars += len(chunk)
        if len(self._head) < HEAD_CHARS:
            self._head += chunk[: HEAD_CHARS - len(self._head)]
        self._tail = (self._tail + chunk[-TAIL_CHARS:])[-TAIL_CHARS:]

    def _spill(self) -> None:
        """Move what is buffered to a new file and stream the rest there."""
        raw, self._raw = self._raw, None
        self.path = self._guard(self._open)
        if self._file is not None:
            self._guard(self._file.write, raw)

    def _open(self) -> Path:
        import os
        import time

        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        _prune(self.folder)
        path = self.folder / f"bash-{time.strftime('%Y%m%d-%H%M%S')}-{os.urandom(3).hex()}.log"
        self._file = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        return path

    def _guard(self, action: Any, *args: Any) -> Any:
        try:
            return action(*args)
        except OSError as exc:
            self.save_error = f"the full output could not be saved: {exc.strerror or exc}"
            self.close_file()
            if self.path is not None:
                self.path.unlink(missing_ok=True)
                self.path = None
            return None

    def close_file(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass
            self._file = None

    def close(self) -> None:
        """The stream ended: flush the decoder and close the file."""
        self._take(self._decoder.decode(b"", final=True))
        if self._raw is not None and self.truncated:
            self._spill()
        self.close_file()
        if self.path is not None and self.mask is not None:
            self._guard(_mask_file, self.path, self.mask)

    def text(self) -> str:
        """All of the output, or its head and tail with a note on what was left out."""
        if self._raw is not None:
            return self._raw.decode("utf-8", errors="replace")
        head, tail = _cut_at_lines(self._head, self._tail)
        omitted = self.chars - len(head) - len(tail)
        where = self.save_error or f"the full output ({self.chars:,} characters) is in {self.path}"
        return f"{head}\n… {omitted:,} characters omitted; {where} …\n{tail}"


def _cut_at_lines(head: str, tail: str, slack: int = 2000) -> tuple[str, str]:
    """Trim the head back to a line end and the tail on to a line start, when one is near."""
    end = head.rfind("\n", len(head) - slack)
    start = tail.find("\n", 0, slack)
    return (head[: end + 1] if end >= 0 else head), (tail[start + 1 :] if start >= 0 else tail)


def _prune(folder: Path) -> None:
    """Delete saved outputs older than ``KEEP_OUTPUT_DAYS``, so the folder stays small."""
    import time

    cutoff = time.time() - KEEP_OUTPUT_DAYS * 86400
    for old in folder.glob("bash-*.log"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _mask_file(path: Path, mask: Callable[[str], str]) -> None:
    """Rewrite a saved output with its secrets masked, a line at a time (so a file of
    any size takes little memory); a private key block goes whole."""
    import os

    masked = path.with_name(path.name + ".masking")
    in_key = False
    with open(path, "rb") as source, os.fdopen(os.open(masked, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as target:
        for raw in source:
            line = raw.decode("utf-8", "surrogateescape")
            if _KEY_BEGIN in line and _KEY_END in line and not in_key:
                in_key = True
                target.write(b"***\n")
            if in_key:
                in_key = not ("-----END" in line and _KEY_END in line)
                continue
            target.write(mask(line).encode("utf-8", "surrogateescape"))
    os.replace(masked, path)
