"""``bash``: run a shell command with a timeout, and report its output and exit code.

The command runs under ``bash -c`` (``/bin/sh`` where there is no bash) in a session of
its own, with stdout and stderr merged and stdin closed, so it can neither read the
caller's pipe nor outlive a timeout or a Ctrl-C: see ``_proc.py`` for how the whole
process tree is stopped.

The record's ``text`` is the command's output; ``output`` adds, for the model, the
exit code when it is not 0 and a note on a timeout. Output longer than 30,000
characters keeps its head and tail; the whole of it is streamed to a file under
``tool-output/`` in the data directory while the command runs, so memory stays bounded
however much a command prints. The command's exit code becomes the exit status of
``opencode bash`` (124 on a timeout, like timeout(1)), so scripts can test it.
"""

from __future__ import annotations

from ..errors import ToolError
from ._output import MAX_OUTPUT, OutputCapture
from .base import ToolContext, ToolResult, ToolSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from ._proc import Outcome
    from .sandbox import Policy, Prepared

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000
GRACE_S = 2.0
DRAIN_S = 0.2
TIMEOUT_STATUS = 124

DESCRIPTION = f"""Run a shell command with bash and return its combined stdout and stderr, and its exit code.
- `timeout` is in milliseconds: default {DEFAULT_TIMEOUT_MS} (2 minutes), at most {MAX_TIMEOUT_MS} (10 minutes). A command still running then is stopped, with everything it started.
- `workdir` sets the directory to run in (inside the project; default: the current directory). Prefer it to `cd dir && ...`.
- stdin is closed: commands must not wait for input. Use non-interactive flags (`-y`, `--no-pager`).
- Output over {MAX_OUTPUT} characters is cut to its beginning and end; the full output is saved to a file whose path the result gives, to read or grep.
- Prefer the dedicated tools for reading, searching and editing files (read, grep, glob, edit) over cat, grep, find and sed.
- A background job (`cmd &`) keeps running after the command ends, but its later output is not captured: redirect it to a file.
- Unless the user turned it off, commands run in a sandbox: they may write only in the project (not its .git) and the temporary folder, and have no network unless the user allowed it. "Permission denied" or "Read-only file system" there is the sandbox: do not try to get around it; say what you could not do.
- `description`: what the command does, in 5-10 words (shown to the user)."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "command": {"type": "string", "minLength": 1, "description": "The shell command to run"},
        "timeout": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_TIMEOUT_MS,
            "default": DEFAULT_TIMEOUT_MS,
            "description": f"Timeout in milliseconds (default {DEFAULT_TIMEOUT_MS}, at most {MAX_TIMEOUT_MS})",
        },
        "workdir": {"type": "string", "description": "Directory to run the command in (default: the working directory)"},
        "description": {"type": "string", "description": "What the command does, in 5-10 words"},
    },
    "required": ["command"],
    "additionalProperties": False,
}


async def run(params: dict[str, Any], ctx: ToolContext) -> ToolResult:
    import time

    from .sandbox import policy_for

    workdir = _workdir(params.get("workdir"), ctx)
    policy = policy_for(ctx)
    timeout_ms = params.get("timeout", DEFAULT_TIMEOUT_MS)
    capture = OutputCapture(ctx.data_dir / "tool-output", mask=ctx.redactor.text)
    started = time.monotonic()
    try:
        outcome, applied = await _run_sandboxed(
            policy,
            [*_shell(ctx), "-c", params["command"]],
            cwd=workdir,
            env=dict(ctx.env) or None,
            sink=capture.write,
            timeout=timeout_ms / 1000,
            grace=GRACE_S,
            drain=DRAIN_S,
        )
    except OSError as exc:
        raise ToolError(f"cannot run the command: {exc.strerror or exc}") from None
    finally:
        capture.close()
    exit_code = TIMEOUT_STATUS if outcome.timed_out else _exit_code(outcome.returncode)
    text = capture.text()
    metadata: dict[str, Any] = {
        "exit_code": exit_code,
        "timed_out": outcome.timed_out,
        "truncated": capture.truncated,
        "output_chars": capture.chars,
        "workdir": ctx.paths.display(workdir),
        "duration_ms": round((time.monotonic() - started) * 1000),
        "sandbox": applied.label,
    }
    if applied.warning:
        metadata["sandbox_warning"] = applied.warning
    if capture.path is not None:
        metadata["output_file"] = str(capture.path)
    if outcome.returncode is not None and outcome.returncode < 0:
        metadata["signal"] = -outcome.returncode
    if params.get("description"):
        metadata["description"] = params["description"]
    output = _model_output(text, exit_code, outcome.timed_out, timeout_ms)
    return ToolResult(
        output=output + (f"\n\n(warning: {applied.warning})" if applied.warning else ""),
        text=text,
        title=params.get("description") or params["command"],
        metadata=metadata,
        exit_status=exit_code,
    )


async def _run_sandboxed(policy: Policy, argv: list[str], *, cwd: Path, **options: Any) -> tuple[Outcome, Prepared]:
    """Run ``argv`` in the sandbox ``policy`` asks for (``sandbox``).

    A child that cannot enter its namespaces (refused on this machine) fails before
    exec; the command then runs with Landlock alone, which this process remembers.
    Any other failure to apply the sandbox stops the command: it never runs unconfined
    when a sandbox was asked for and the kernel offers one."""
    from subprocess import SubprocessError

    from . import sandbox
    from ._proc import run_in_session

    for _ in range(2):
        prepared = sandbox.prepare(policy, cwd=cwd)
        try:
            return await run_in_session(argv, cwd=cwd, preexec=prepared.preexec, **options), prepared
        except SubprocessError:
            if not prepared.namespaces:
                break
            sandbox.namespaces_refused()
        finally:
            prepared.close()
    raise ToolError("the sandbox could not be applied, so the command did not run", hint='[sandbox] mode = "off" runs commands without it')


def _workdir(raw: str | None, ctx: ToolContext) -> Path:
    if not raw:
        return ctx.cwd
    path = ctx.paths.resolve(raw)
    if not path.exists():
        raise ToolError(f"workdir does not exist: {raw}")
    if not path.is_dir():
        raise ToolError(f"workdir is not a directory: {raw}")
    return path


def _shell(ctx: ToolContext) -> list[str]:
    import shutil

    found = shutil.which("bash", path=ctx.env.get("PATH")) if ctx.env else shutil.which("bash")
    return [found or "/bin/sh"]


def _exit_code(returncode: int | None) -> int:
    """A shell-style status: killed by signal N becomes 128+N."""
    if returncode is None:
        return 1
    return 128 - returncode if returncode < 0 else returncode


def _model_output(text: str, exit_code: int, timed_out: bool, timeout_ms: int) -> str:
    body = text.rstrip("\n") if text.strip() else "(no output)"
    if timed_out:
        return f"{body}\n\n(command timed out after {timeout_ms} ms and was stopped; exit code {exit_code})"
    if exit_code:
        return f"{body}\n\n(exit code {exit_code})"
    return body


SPEC = ToolSpec(
    name="bash",
    description=DESCRIPTION,
    parameters=PARAMETERS,
    run=run,
    permission="execute",
    positional=("command",),
    subject="command",
    subject_kind="command",
    path_params=("workdir",),
)
