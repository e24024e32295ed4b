"""pytest fixtures for the fake model server.

Use them from a conftest.py with ``from fakellm.fixtures import fake_llm``
(or ``pytest_plugins = ["fakellm.fixtures"]`` in the top-level conftest).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeLLM


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """A started FakeLLM on 127.0.0.1 (port chosen by the OS), stopped after the test."""
    server = FakeLLM().start()
    try:
        yield server
    finally:
        server.stop(timeout=5)
