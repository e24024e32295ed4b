"""The session file format: its version, the upgrade steps, and the shape check.

Every file carries ``"format": N``. A file from an older opencode is upgraded in memory
by running the steps in ``UPGRADES`` in order (``UPGRADES[n]`` turns format ``n`` into
``n + 1``), so an old session can always be resumed and is saved back in the current
format. A file from a newer opencode is refused with a clear message rather than
misread: its fields may mean something this version does not know.

Format 1 is the first, so there are no steps yet; the mechanism is here so that the
first change of the format is one function added to the table.
"""

from __future__ import annotations

import re

from ..errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

FORMAT = 1

#: ``UPGRADES[n]`` takes the data of a format-``n`` file and returns format ``n + 1``.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

KNOWN_KEYS = frozenset(
    {
        "format",
        "id",
        "title",
        "created",
        "updated",
        "project",
        "agent",
        "model",
        "parent_id",
        "messages",
        "usage",
        "cost_usd",
        "snapshots",
        "compaction",
    }
)

ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


class SessionFileError(UsageError):
    """A session file that cannot be read as a session (bad input: exit 2)."""

    code = "session.invalid"


def upgrade(data: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    """``data`` in the current format, after running the upgrade steps it needs."""
    where = f"{source}: " if source else ""
    version = data.get("format")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SessionFileError(f"{where}not a session file (no valid \"format\" number)")
    if version > FORMAT:
        raise SessionFileError(
            f"{where}session format {version} is newer than this opencode reads (format {FORMAT})",
            hint="upgrade opencode to open this session",
        )
    while version < FORMAT:
        step = UPGRADES.get(version)
        if step is None:
            raise SessionFileError(f"{where}no upgrade from session format {version}")
        data = step(dict(data))
        version += 1
        data["format"] = version
    return data


def validate(data: dict[str, Any], source: str | None = None) -> None:
    """Refuse data that is not a well-formed current-format session, naming what is wrong."""
    from .model import ROLES, check_part

    where = f"{source}: " if source else ""

    def bad(message: str) -> SessionFileError:
        return SessionFileError(f"{where}malformed session: {message}")

    if not isinstance(data.get("id"), str) or not ID_PATTERN.match(data["id"]):
        raise bad("\"id\" must be 32 lowercase hex characters")
    if not isinstance(data.get("created"), str):
        raise bad("\"created\" must be an ISO 8601 time")
    from .model import parse_time

    if parse_time(data["created"]) is None:
        raise bad(f"\"created\" is not an ISO 8601 time: {data['created']!r}")
    for key in ("title", "updated", "project", "agent", "model", "parent_id"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise bad(f"\"{key}\" must be a string or null")
    if data.get("parent_id") is not None and not ID_PATTERN.match(data["parent_id"]):
        raise bad("\"parent_id\" must be a session id")
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise bad("\"messages\" must be a list")
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise bad(f"message {index} is not an object")
        if message.get("role") not in ROLES:
            raise bad(f"message {index} has role {message.get('role')!r}")
        if not isinstance(message.get("id"), str):
            raise bad(f"message {index} has no id")
        parts = message.get("parts")
        if not isinstance(parts, list):
            raise bad(f"message {index} has no parts list")
        for number, part in enumerate(parts):
            if not isinstance(part, dict):
                raise bad(f"message {index} part {number} is not an object")
            try:
                check_part(part)
            except UsageError as error:
                raise bad(f"message {index} part {number}: {error.message}") from None
    if data.get("usage") is not None and not isinstance(data["usage"], dict):
        raise bad("\"usage\" must be an object")
    cost = data.get("cost_usd")
    if cost is not None and (isinstance(cost, bool) or not isinstance(cost, (int, float))):
        raise bad("\"cost_usd\" must be a number")
    if data.get("snapshots") is not None and not isinstance(data["snapshots"], list):
        raise bad("\"snapshots\" must be a list")
    if data.get("compaction") is not None and not isinstance(data["compaction"], dict):
        raise bad("\"compaction\" must be an object or null")
