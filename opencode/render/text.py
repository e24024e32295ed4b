"""Plain text: the text of each record (``protocol.record_text``), for ``> file``.

A file's exact bytes for ``read`` (also when they are not UTF-8: a record with
``"encoding": "base64"`` is written as the bytes it holds), a command's output for
``bash``, an answer for ``ask``. A streamed answer is written as it arrives, and its
final ``message`` then adds only the newline it may lack, so the answer appears once.
A tool's raw payload (``text``) is written exactly as it is; everything else ends with
a newline, as a line of text should.
"""

from __future__ import annotations

from .. import protocol
from .base import Renderer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class TextRenderer(Renderer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.streamed = ""

    def show(self, record: dict[str, Any]) -> None:
        kind = record.get("type")
        if kind == "retry":
            self.retry(record)
            return
        if kind == "text_delta":
            self.streamed += record.get("text", "")
            self.put(record.get("text", ""))
        elif kind == "message":
            text = "" if self.streamed else str(record.get("text", ""))
            ending = self.streamed or text
            self.streamed = ""
            self.put(text if ending.endswith("\n") else text + "\n")
        elif record.get("encoding") == "base64":
            self.put_bytes(protocol.record_bytes(record))
        elif kind == "tool_result" and isinstance(record.get("text"), str):
            self.put(record["text"])
        else:
            text = protocol.record_text(record)
            self.put(text if not text or text.endswith("\n") else text + "\n")

    def put_bytes(self, data: bytes) -> None:
        """Write bytes as they are, past the text layer when the stream has one."""
        buffer = getattr(self.out, "buffer", None)
        if buffer is None:
            self.put(data.decode("utf-8", "replace"))
            return
        self.out.flush()
        buffer.write(data)
        buffer.flush()
