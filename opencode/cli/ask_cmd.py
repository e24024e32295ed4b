"""``opencode ask PROMPT``: a one-shot question, with piped context and files."""

from __future__ import annotations

import click

from .attach_options import attach_options, attached_server
from .clickutil import leaf


@click.command()
@click.argument("prompt", nargs=-1)
@click.option("-f", "--file", "files", multiple=True, metavar="PATH", help="Attach a file (repeatable)")
@click.option("-s", "--system", help="A system prompt")
@click.option("--model", help="provider/model for this question")
@click.option("--temperature", type=float, help="Sampling temperature")
@click.option("--max-tokens", type=int, help="Longest answer, in tokens")
@click.option("--schema", metavar="JSON|@FILE", help="Answer as JSON matching this JSON Schema (exit 6 if it cannot)")
@click.option("--stream/--no-stream", default=None, help="Stream the answer (default: on a terminal)")
@click.option("--cache/--no-cache", default=None, help="Use the response cache (non-streamed answers)")
@click.option("-c", "--continue", "continue_last", is_flag=True, help="Continue the last session")
@click.option("--session", "session_id", metavar="ID", help="Continue this session (a unique prefix is enough)")
@attach_options
@leaf
def ask(runtime, prompt, files, system, model, temperature, max_tokens, schema, stream, cache, continue_last, session_id, attach_url, no_attach) -> None:
    """Ask a model one question. Piped stdin (text or records) comes first as context.

    \b
      opencode read main.py | opencode ask "explain"
      opencode ask -f README.md "summarize" --format text > summary.md
    """
    from ..app.ask import AskOptions
    from ..llm.oneshot import load_schema
    from . import signals

    options = AskOptions(
        " ".join(prompt).strip(), files=files, system=system, model=model, temperature=temperature, max_tokens=max_tokens,
        schema=load_schema(schema) if schema is not None else None,
        stream=stream if stream is not None else runtime.mode == "human",
        cache=cache, continue_last=continue_last, session_id=session_id,
    )
    server = attached_server(runtime, attach_url, no_attach)
    if server is not None:
        answer = _show_attached(runtime, server, options, runtime.read_stdin())
    else:
        answer = signals.run(_show(runtime, options, runtime.read_stdin()))
    runtime.finish()
    if answer is not None and runtime.wants_summary:
        from ..render.usage import describe

        line = describe(answer["usage"], answer["cost_usd"], answer["duration_ms"], answer["model"], runtime.workspace.config.get("ui.language", "en"))
        runtime.diag.info(("cached · " if answer.get("cached") else "") + line)


async def _show(runtime, options, piped) -> dict | None:
    """Show the answer's records as they come; the final message."""
    from ..app.ask import ask

    answer = None
    async for record in ask(runtime.workspace, options, piped):
        runtime.emit(record)
        if record["type"] == "message":
            answer = record
    return answer


def _show_attached(runtime, server, options, piped) -> dict | None:
    """The same, from the server: its records shown as they come; its error raised
    as the error it is, so the exit status is the one an in-process ask would have."""
    from ..errors import from_dict
    from .attach import stream_end

    body = {
        "prompt": options.prompt, "files": list(options.files), "system": options.system, "model": options.model,
        "temperature": options.temperature, "max_tokens": options.max_tokens, "schema": options.schema,
        "stream": options.stream, "cache": options.cache, "continue_last": options.continue_last,
        "session_id": options.session_id, "input": piped.raw if piped is not None else None,
    }
    answer = None
    for record in stream_end(server.records("/api/ask", {k: v for k, v in body.items() if v is not None}), "message"):
        if record["type"] == "error":
            raise from_dict(record.get("error") or record)
        runtime.emit(record)
        if record["type"] == "message":
            answer = record
    return answer
