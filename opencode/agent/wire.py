"""From a session's messages to the messages a model is sent.

The session keeps the full history; this decides what goes over the wire: the system
prompt, a compaction summary in place of what it summarized, and old tool outputs
pruned to a short note when context runs short. Tool parts become the assistant's
``tool_calls`` followed by one ``tool`` message per result, the shape litellm expects
from every provider.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

PRUNED = "[Old tool output removed to save context. Call the tool again if you need it.]"
CONTINUE = "Continue the task from where you left off."
SUMMARY_INTRO = "Summary of the conversation so far (earlier messages were compacted):"


def visible_messages(messages: list[dict[str, Any]], compaction: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The messages after the last compaction point (all of them without one)."""
    if not compaction:
        return messages
    upto = compaction.get("upto")
    for index, message in enumerate(messages):
        if message.get("id") == upto:
            return messages[index + 1 :]
    return messages


def build(
    system_prompt: str,
    messages: list[dict[str, Any]],
    *,
    compaction: dict[str, Any] | None = None,
    pruned: Iterable[str] = (),
) -> list[dict[str, Any]]:
    pruned = set(pruned)
    wire: list[dict[str, Any]] = [{"role": "system", "content": system_prompt}] if system_prompt else []
    if compaction and compaction.get("summary"):
        wire.append({"role": "user", "content": f"{SUMMARY_INTRO}\n\n{compaction['summary']}"})
        wire.append({"role": "assistant", "content": "Understood. I will continue from that summary."})
    for message in visible_messages(messages, compaction):
        wire += _convert(message, pruned)
    if wire and wire[-1]["role"] == "assistant" and not wire[-1].get("tool_calls"):
        wire.append({"role": "user", "content": CONTINUE})
    return wire


def _convert(message: dict[str, Any], pruned: set[str]) -> list[dict[str, Any]]:
    role = message.get("role")
    parts = message.get("parts", [])
    text = "".join(p.get("text", "") for p in parts if p.get("type") == "text")
    if role == "user":
        return [{"role": "user", "content": text}]
    if role != "assistant":
        return []
    tools = [p for p in parts if p.get("type") == "tool" and p.get("status") != "running"]
    out: dict[str, Any] = {"role": "assistant", "content": text or None}
    if tools:
        out["tool_calls"] = [
            {"id": p["call_id"], "type": "function", "function": {"name": p["tool"], "arguments": json.dumps(p.get("input", {}))}}
            for p in tools
        ]
    elif not text:
        return []
    results = [{"role": "tool", "tool_call_id": p["call_id"], "content": PRUNED if p["call_id"] in pruned else _result_text(p)} for p in tools]
    return [out, *results]


def _result_text(part: dict[str, Any]) -> str:
    """What the model reads back: the output, which for a failure or a denial already
    says so ("Error: ...", "Permission denied: ...")."""
    if part.get("output") or part.get("status") == "completed":
        return str(part.get("output", ""))
    return f"Error: {part.get('error') or 'the tool failed'}"


def prunable_calls(messages: list[dict[str, Any]], keep_recent: int = 3) -> list[str]:
    """Tool calls whose outputs may be dropped: older than the last two user turns,
    and not among the ``keep_recent`` newest outputs."""
    user_turns = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    protected_from = user_turns[-2] if len(user_turns) >= 2 else 0
    calls = [
        (index, part["call_id"])
        for index, message in enumerate(messages)
        for part in message.get("parts", [])
        if part.get("type") == "tool" and part.get("status") == "completed"
    ]
    recent = {call_id for _, call_id in calls[-keep_recent:]}
    return [call_id for index, call_id in calls if index < protected_from and call_id not in recent]


def estimate_tokens(wire: list[dict[str, Any]]) -> int:
    """A quick upper-bound estimate (about four characters a token)."""
    return len(json.dumps(wire, ensure_ascii=False)) // 4 + 4 * len(wire)
