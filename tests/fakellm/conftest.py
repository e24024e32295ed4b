"""Fixtures for the fake model server's own tests."""

from __future__ import annotations

import os

import pytest

from fakellm.fixtures import fake_llm  # noqa: F401 - re-exported fixture


@pytest.fixture(scope="session")
def litellm():
    """litellm, imported once (it takes seconds), with the bundled cost map and quiet.

    HF_HUB_OFFLINE: for llama-named models litellm counts tokens with a Hugging
    Face tokenizer it tries to download (about 20 s of retries per call offline).
    """
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import litellm as _litellm

    _litellm.suppress_debug_info = True
    return _litellm
