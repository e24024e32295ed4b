"""A session in memory: its messages and their parts, as plain JSON-ready dicts.

Messages and parts are dicts rather than classes because they are exactly what is
written to disk, sent over the web API and exported; a class per part type would only
add a conversion step at every one of those edges. ``Session`` holds them and offers the
few operations the agent loop needs (add a message, add a part, update a part, count
usage), each of which also moves ``updated`` forward.

Part types::

    {"type": "text", "text"}
    {"type": "reasoning", "text"}
    {"type": "tool", "call_id", "tool", "input", "status", "output", "metadata", "error"?}
    {"type": "compaction", "summary", "upto"}      # history before message ``upto`` is summarized
    {"type": "snapshot", "tree"}                   # a snapshot of the work tree
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from ..agent.parts import reasoning_part, snapshot_part, text_part, tool_part  # noqa: F401 (the session API)
from ..errors import UsageError
from ..llm.types import add_cost

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Mapping

ROLES = ("user", "assistant", "system")
TOOL_STATUSES = ("running", "completed", "error", "denied")
PART_TYPES = ("text", "reasoning", "tool", "compaction", "snapshot")
USAGE_KEYS = ("input_tokens", "output_tokens", "cached_tokens")
TITLE_LIMIT = 60
SHORT_ID = 8

#: The keys every part type must carry (``add_part`` fills the optional tool ones).
PART_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "reasoning": ("text",),
    "tool": ("call_id", "tool", "input", "status", "output", "metadata"),
    "compaction": ("summary", "upto"),
    "snapshot": ("tree",),
}


def new_id() -> str:
    """A fresh session or message id: 32 hex characters (uuid4)."""
    return uuid.uuid4().hex


def now_iso() -> str:
    """The current local time, ISO 8601 with its UTC offset, to the microsecond (two
    sessions a script makes in one millisecond must still sort by age)."""
    return datetime.now().astimezone().isoformat(timespec="microseconds")


def parse_time(value: str) -> datetime | None:
    """A timestamp written by ``now_iso`` (or any ISO 8601 form), None when unreadable."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.astimezone()


def empty_usage() -> dict[str, int]:
    return {key: 0 for key in USAGE_KEYS}


def title_from_prompt(prompt: str) -> str:
    """A session title: the prompt's first non-blank line, at most 60 characters.

    Headless runs make no side request to a model for a title, so this is the title
    unless chat later asks a small model for a better one.
    """
    line = next((ln.strip() for ln in prompt.splitlines() if ln.strip()), "")
    line = " ".join(line.split())
    if len(line) <= TITLE_LIMIT:
        return line
    cut = line[: TITLE_LIMIT - 1]
    if " " in cut[TITLE_LIMIT // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def check_part(part: Mapping[str, Any]) -> None:
    """Refuse a part the file format cannot hold (unknown type, missing field, bad status)."""
    kind = part.get("type")
    if kind not in PART_FIELDS:
        raise UsageError(f"unknown part type {kind!r} (known: {', '.join(PART_TYPES)})")
    missing = [key for key in PART_FIELDS[kind] if key not in part]
    if missing:
        raise UsageError(f"{kind} part without {', '.join(missing)}")
    if kind == "tool" and part["status"] not in TOOL_STATUSES:
        raise UsageError(f"tool part status {part['status']!r} (known: {', '.join(TOOL_STATUSES)})")


# -- the session ---------------------------------------------------------------


@dataclass
class Session:
    """One conversation. ``path`` is where the store keeps it (not part of the file)."""

    id: str
    created: str
    updated: str
    project: str
    title: str = ""
    agent: str | None = None
    model: str | None = None
    parent_id: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=empty_usage)
    cost_usd: float = 0.0
    snapshots: list[Any] = field(default_factory=list)
    compaction: dict[str, Any] | None = None
    #: Keys of the file this version does not know, kept so a save does not drop them.
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)

    @classmethod
    def new(
        cls,
        project: str,
        title: str = "",
        agent: str | None = None,
        model: str | None = None,
        parent_id: str | None = None,
    ) -> Session:
        stamp = now_iso()
        return cls(id=new_id(), created=stamp, updated=stamp, project=project, title=title, agent=agent, model=model, parent_id=parent_id)

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    def touch(self) -> None:
        self.updated = now_iso()

    def add_message(self, role: str, parts: list[dict[str, Any]] | None = None, **meta: Any) -> dict[str, Any]:
        """Append a message and return it (the dict the caller keeps adding parts to).

        ``meta`` holds the optional message fields: ``agent``, ``model``, ``usage``,
        ``cost_usd``. The first user message with text gives an untitled session its title.
        """
        if role not in ROLES:
            raise UsageError(f"unknown message role {role!r} (known: {', '.join(ROLES)})")
        message: dict[str, Any] = {"id": new_id(), "role": role, "created": now_iso()}
        message.update({k: v for k, v in meta.items() if v is not None})
        message["parts"] = []
        self.messages.append(message)
        for part in parts or ():
            self.add_part(message, part)
        self.touch()
        return message

    def add_part(self, message: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
        """Append ``part`` to ``message`` and return it; tool parts get their defaults."""
        if part.get("type") == "tool":
            part.setdefault("status", "running")
            part.setdefault("output", "")
            part.setdefault("metadata", {})
        check_part(part)
        message.setdefault("parts", []).append(part)
        if not self.title and message.get("role") == "user" and part["type"] == "text":
            self.title = title_from_prompt(part["text"])
        self.touch()
        return part

    def update_part(self, part: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """Change fields of a part in place (a tool call finishing, streamed text growing).

        ``error=None`` removes the optional ``error`` field rather than writing a null.
        """
        clear_error = "error" in fields and fields["error"] is None
        if clear_error:
            fields = {k: v for k, v in fields.items() if k != "error"}
        check_part({**part, **fields})
        part.update(fields)
        if clear_error:
            part.pop("error", None)
        self.touch()
        return part

    def add_usage(self, usage: Mapping[str, Any] | None = None, cost_usd: float | None = None) -> None:
        """Add one model call's tokens and cost to the session's totals."""
        for key in USAGE_KEYS:
            value = (usage or {}).get(key)
            if isinstance(value, (int, float)):
                self.usage[key] = int(self.usage.get(key, 0) + value)
        if cost_usd:
            self.cost_usd = add_cost(self.cost_usd, float(cost_usd)) or 0.0
        self.touch()

    # -- the file form ---------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        from .fileformat import FORMAT

        data: dict[str, Any] = {
            "format": FORMAT,
            "id": self.id,
            "title": self.title,
            "created": self.created,
            "updated": self.updated,
            "project": self.project,
            "agent": self.agent,
            "model": self.model,
            "parent_id": self.parent_id,
            "messages": self.messages,
            "usage": self.usage,
            "cost_usd": self.cost_usd,
            "snapshots": self.snapshots,
            "compaction": self.compaction,
        }
        for key, value in self.extra.items():
            data.setdefault(key, value)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> Session:
        """A session from file data of any supported format (upgraded and checked first)."""
        from .fileformat import KNOWN_KEYS, upgrade, validate

        data = upgrade(dict(data), source=str(path) if path else None)
        validate(data, source=str(path) if path else None)
        return cls(
            id=data["id"],
            created=data["created"],
            updated=data.get("updated") or data["created"],
            project=data.get("project") or "",
            title=data.get("title") or "",
            agent=data.get("agent"),
            model=data.get("model"),
            parent_id=data.get("parent_id"),
            messages=list(data.get("messages") or []),
            usage={**empty_usage(), **(data.get("usage") or {})},
            cost_usd=float(data.get("cost_usd") or 0.0),
            snapshots=list(data.get("snapshots") or []),
            compaction=data.get("compaction"),
            extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
            path=path,
        )

    def summary(self) -> dict[str, Any]:
        """What ``session list`` shows of a session."""
        return {
            "id": self.id,
            "session_id": self.id,  # the name the agent loop's ``session`` record uses
            "short_id": self.short_id,
            "title": self.title,
            "created": self.created,
            "updated": self.updated,
            "agent": self.agent,
            "model": self.model,
            "parent_id": self.parent_id,
            "messages": len(self.messages),
            "cost_usd": self.cost_usd,
            "path": str(self.path) if self.path else None,
        }
