"""The one error hierarchy. Every failure a user can meet maps to an exit status.

    OpencodeError              1    error               something failed
    ├── ToolError              1    tool.failed         a tool could not do its job
    │   └── FileMissing        1    tool.not_found      a path that does not exist
    ├── ModelError             1    model.error         the model answered with nonsense
    ├── UsageError             2    usage               bad usage or bad input
    │   ├── InvalidParams      2    usage.invalid_params  parameters fail the tool's schema
    │   ├── ConfigError        2    config.invalid      a config file is broken
    │   ├── NotFound           2    usage               no such session or tool (HTTP 404)
    │   └── Busy               2    busy                a session another run is writing (HTTP 409)
    ├── PermissionDenied       3    permission.denied   a path or tool is not allowed
    ├── ProviderError          4    provider.error      the provider refused or failed
    │   ├── AuthError          4    provider.auth       no key, or a key was refused
    │   └── NetworkError       4    provider.network    timeouts, refused connections
    ├── LimitReached           5    limit.reached       a budget or turn limit
    ├── CheckFailed            6    check.failed        a check or output schema still failing
    └── Interrupted          130    interrupted         Ctrl-C

Frontends turn these into an exit status, an ``error`` record, an HTTP body or an MCP
error; the core raises them and never prints. ``code`` is a stable identifier for
machines; ``str(err)`` is the message for people.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


class OpencodeError(Exception):
    """Base of every error a user should see as a message, never as a traceback."""

    exit_code: ClassVar[int] = 1
    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, hint: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` object of the pipe protocol."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return body


class ToolError(OpencodeError):
    """A tool ran and could not do what was asked (the model gets this back as a result)."""

    code = "tool.failed"


class FileMissing(ToolError):
    """A path that does not exist; the message carries suggestions when there are any."""

    code = "tool.not_found"


class ModelError(OpencodeError):
    """The model's answer could not be used (malformed tool call, empty reply)."""

    code = "model.error"


class UsageError(OpencodeError):
    """The user or caller asked for something malformed."""

    exit_code = 2
    code = "usage"


class InvalidParams(UsageError):
    """Tool parameters that do not match the tool's JSON Schema; names the field."""

    code = "usage.invalid_params"


class ConfigError(UsageError):
    """A config file that cannot be read: syntax error or a value of the wrong type."""

    code = "config.invalid"


class NotFound(UsageError):
    """A name that matches nothing: an unknown session id or tool. Still a usage
    error (same code, same exit status); the HTTP face answers it with 404."""


class Busy(UsageError):
    """A session that another run (this process or another) is writing right now."""

    code = "busy"


class PermissionDenied(OpencodeError):
    """A path outside the project, a disabled tool, or a denied permission ask."""

    exit_code = 3
    code = "permission.denied"


class ProviderError(OpencodeError):
    """The model provider failed or refused; the message is the provider's own."""

    exit_code = 4
    code = "provider.error"


class AuthError(ProviderError):
    """No API key was found, or the provider rejected it."""

    code = "provider.auth"


class NetworkError(ProviderError):
    """The network failed: refused connection, timeout, stalled stream."""

    code = "provider.network"


class LimitReached(OpencodeError):
    """A budget ran out: turns, cost or time."""

    exit_code = 5
    code = "limit.reached"


class CheckFailed(OpencodeError):
    """A check or an output schema still fails after the allowed retries."""

    exit_code = 6
    code = "check.failed"


class Interrupted(OpencodeError):
    """The user pressed Ctrl-C (SIGINT)."""

    exit_code = 130
    code = "interrupted"


def from_dict(body: dict[str, Any]) -> OpencodeError:
    """The error an ``error`` record describes, of the class its ``code`` names (or the
    nearest one: ``usage.bad_file`` is a ``UsageError``), so a command that got the
    record from a server fails exactly as if the error had happened in-process."""
    code = str(body.get("code") or "error")
    classes = {cls.code: cls for cls in _subclasses(OpencodeError)}
    wanted = code
    while wanted not in classes and "." in wanted:
        wanted = wanted.rsplit(".", 1)[0]
    cls = classes.get(wanted, OpencodeError)
    error = cls(str(body.get("message") or code), hint=body.get("hint"), **(body.get("details") or {}))
    if cls.code != code:
        error.code = code  # keep the precise code in what it writes
    return error


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
