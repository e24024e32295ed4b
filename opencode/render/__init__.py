"""Turning protocol records into output, one renderer per output mode.

Every face produces records; these decide what a person or a program sees of them:

- ``JsonLinesRenderer``: every record as one JSON line (pipes, ``--json``);
- ``TextRenderer``: the text of each record, for ``> file`` (``--format text``);
- ``HumanRenderer``: rich output for a terminal (Markdown answers, diffs, tables);
- ``AnswerView``: an agent run for someone who wants its answer: the final message
  through one of the above, progress and problems on stderr.

``make_renderer(mode, ...)`` picks one. None of them decides anything about the
records: what to show is the record's, how to show it is the renderer's.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from .base import Renderer
    from .diag import Diagnostics

MODES = ("human", "text", "jsonl")


def make_renderer(mode: str, out: TextIO, diag: Diagnostics, *, color: bool = False) -> Renderer:
    """The renderer for ``mode`` (one of ``MODES``), writing data to ``out``."""
    if mode == "jsonl":
        from .jsonl import JsonLinesRenderer

        return JsonLinesRenderer(out, diag)
    if mode == "text":
        from .text import TextRenderer

        return TextRenderer(out, diag)
    from .human import HumanRenderer

    return HumanRenderer(out, diag, color=color)
