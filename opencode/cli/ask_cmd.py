"""``opencode ask PROMPT``: a one-shot question, with piped context and files."""

from __future__ import annotations

import click

from .. import protocol
from ..errors import Interrupted, ToolError, UsageError
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
@leaf
def ask(runtime, prompt, files, system, model, temperature, max_tokens, schema, stream, cache, continue_last, session_id) -> None:
    """Ask a model one question. Piped stdin (text or records) comes first as context.

    \b
      opencode read main.py | opencode ask "explain"
      opencode ask -f README.md "summarize" --format text > summary.md
    """
    from ..context import user_message
    from ..llm.types import Request
    from .llmrun import llm_deps, run_async

    text = " ".join(prompt).strip()
    piped = runtime.read_stdin()
    if piped is not None and piped.errors:
        first = piped.errors[0].get("error", {})
        raise ToolError(f"the piped input is an error: {first.get('message', 'unknown error')}", hint="the command before the pipe failed")
    attached = [_attach(runtime, path) for path in files]
    content = user_message(text, piped, attached)
    if not content.strip():
        raise UsageError("nothing to ask: give a prompt, pipe something in, or attach files with -f")
    choice, settings, response_cache = llm_deps(runtime, model, cache)
    conversation = _Conversation(runtime, continue_last, session_id, choice.name)
    messages = conversation.messages(system, content)
    request = Request(choice, messages, temperature=temperature, max_tokens=max_tokens)
    streaming = stream if stream is not None else (runtime.mode == "human" and schema is None)
    if schema is not None:
        _ask_json(runtime, request, schema, settings, response_cache, conversation)
        return
    view = _StreamView(runtime) if streaming else None
    try:
        completion = run_async(_answer(request, settings, streaming, view, response_cache))
    except (KeyboardInterrupt, Interrupted):
        if view is not None:
            view.close(interrupted=True)
        raise Interrupted("interrupted; the answer so far was kept") from None
    if view is not None:
        view.close()
    conversation.record(content, completion)
    _finish(runtime, completion, streamed=view is not None, session_id=conversation.session.id)


async def _answer(request, settings, streaming, view, response_cache):
    from ..llm.oneshot import answer

    return await answer(request, settings, stream=streaming, on_event=view.on_event if view else None, cache=None if streaming else response_cache)


def _ask_json(runtime, request, schema_value, settings, response_cache, conversation) -> None:
    from ..llm.oneshot import answer_json, load_schema
    from .llmrun import run_async

    schema = load_schema(schema_value)
    completion, value = run_async(answer_json(request, schema, settings, response_cache))
    import json

    completion.text = json.dumps(value, ensure_ascii=False)
    conversation.record(request.messages[-1]["content"], completion)
    _finish(runtime, completion, streamed=False, data=value, session_id=conversation.session.id)


def _attach(runtime, path: str) -> tuple[str, str]:
    from ..tools._files import read_text_file
    from ..fsutil import decode

    policy = runtime.path_policy()
    resolved = policy.resolve(path)
    return policy.display(resolved), decode(read_text_file(resolved, path, runtime.cwd))


def _finish(runtime, completion, *, streamed: bool, data=None, session_id=None) -> None:
    record = protocol.record(
        "message",
        role="assistant",
        text=completion.text,
        model=completion.model,
        usage=completion.usage.to_dict(),
        cost_usd=completion.cost_usd,
        duration_ms=completion.duration_ms,
        session_id=session_id,
        cached=completion.cached,
    )
    if data is not None:
        record["data"] = data
    if runtime.mode == "human":
        if not streamed:
            from .render import render_markdown

            render_markdown(completion.text, runtime)
    elif runtime.mode == "text":
        if not streamed:
            runtime.stdout.write(completion.text if completion.text.endswith("\n") else completion.text + "\n")
    else:
        runtime.emit(record)
    _usage_line(runtime, completion)


def _usage_line(runtime, completion) -> None:
    if runtime.quiet or not (runtime.verbose or runtime.stderr.isatty()):
        return
    from .usage_fmt import describe

    line = describe(completion.usage.to_dict(), completion.cost_usd, completion.duration_ms, completion.model, runtime.config.get("ui.language", "en"))
    runtime.diag.info(("cached · " if completion.cached else "") + line)


class _Conversation:
    """The session an ``ask`` belongs to: a new one, or the one it continues.

    Every question and answer is saved, so ``ask -c`` can follow up on the last one.
    """

    def __init__(self, runtime, continue_last: bool, session_id: str | None, model: str) -> None:
        from ..session.store import SessionStore

        self.store = SessionStore.for_runtime(runtime)
        if session_id:
            self.session = self.store.load(session_id)
        elif continue_last:
            self.session = self.store.latest()
            if self.session is None:
                raise UsageError("no session to continue here", hint='start one with: opencode ask "..."')
        else:
            self.session = self.store.create(agent="ask", model=model)

    def messages(self, system: str | None, content: str) -> list[dict]:
        from ..agent import transcript

        history = transcript.build(system or "", self.session.messages, compaction=self.session.compaction)
        if history and history[-1]["role"] == "user" and history[-1]["content"] == transcript.CONTINUE:
            history.pop()
        return [*history, {"role": "user", "content": content}]

    def record(self, content: str, completion) -> None:
        self.session.add_message("user", [{"type": "text", "text": content}])
        message = self.session.add_message("assistant", [{"type": "text", "text": completion.text}], model=completion.model)
        message["usage"] = completion.usage.to_dict()
        message["cost_usd"] = completion.cost_usd
        self.session.add_usage(completion.usage.to_dict(), completion.cost_usd)
        self.store.save(self.session)


class _StreamView:
    """Shows a streamed answer as it arrives: Markdown on a terminal, records or raw
    text in a pipe."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self.text: list[str] = []
        self.live = None
        if runtime.mode == "human":
            from rich.console import Console
            from rich.live import Live
            from rich.markdown import Markdown

            self._markdown = Markdown
            console = Console(file=runtime.stdout, no_color=not runtime.color)
            self.live = Live(Markdown(""), console=console, refresh_per_second=15, vertical_overflow="visible")
            self.live.start()

    def on_event(self, kind: str, value) -> None:
        if kind == "retry":
            self.runtime.diag.info(f"retrying in {value['delay_s']} s ({value['reason']})")
            return
        if kind != "text":
            return
        self.text.append(value)
        mode = self.runtime.mode
        if self.live is not None:
            self.live.update(self._markdown("".join(self.text)))
        elif mode == "text":
            self.runtime.stdout.write(value)
            self.runtime.stdout.flush()
        else:
            self.runtime.emit(protocol.record("text_delta", text=value))

    def close(self, interrupted: bool = False) -> None:
        if self.live is not None:
            self.live.stop()
        elif self.runtime.mode == "text" and self.text and not "".join(self.text).endswith("\n"):
            self.runtime.stdout.write("\n")
        if interrupted and self.runtime.mode == "jsonl" and self.text:
            self.runtime.emit(protocol.record("message", role="assistant", text="".join(self.text), interrupted=True, session_id=None))
