"""JSON Lines: every record as one compact line, for pipes and ``--json``."""

from __future__ import annotations

from .. import protocol
from .base import Renderer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..errors import OpencodeError


class JsonLinesRenderer(Renderer):
    def show(self, record: dict[str, Any]) -> None:
        self.put(protocol.dumps(record) + "\n")

    def fail(self, error: OpencodeError, tool: str | None = None) -> None:
        super().fail(error, tool)
        try:
            self.put(protocol.dumps(protocol.error_record(error.to_dict(), tool=tool)) + "\n")
        except (BrokenPipeError, ValueError):
            pass  # nobody is reading: the message on stderr and the exit status remain
