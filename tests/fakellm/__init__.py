"""A fake model server for tests: real HTTP on loopback, speaking the wire
formats litellm uses (OpenAI, Azure, Anthropic, Gemini, Bedrock Converse,
Cohere v2, Ollama), replaying scripted replies and recording requests.

    from fakellm import FakeLLM, Reply

See README.md beside this file.
"""

from .providers import FAKE_KEY, PROVIDERS, Provider, provider_for
from .script import MAX_CHUNK_DELAY, MAX_STALL, Reply, ToolCall, Usage
from .server import FakeLLM, Request

__all__ = ["FAKE_KEY", "MAX_CHUNK_DELAY", "MAX_STALL", "PROVIDERS", "FakeLLM", "Provider", "Reply", "Request", "ToolCall", "Usage", "provider_for"]
