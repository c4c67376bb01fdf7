"""OpenAIBackend against a real OpenAI-compatible server: ``python -m llama_cpp.server`` (the
``llama-cpp-python[server]`` extra) running the bundled model on 127.0.0.1 — no network.

One server per test session (:func:`llama_server`, also used by ``test_llm_conformance``).
"""

from __future__ import annotations

import pytest
from llm_support import server_settings
from test_llm_local import SCHEMA

from paperpal.llm import get_backend, openai_backend
from paperpal.llm.base import Request
from paperpal.llm.openai_backend import OpenAIBackend


@pytest.fixture
def server_backend(llama_server, monkeypatch) -> OpenAIBackend:
    monkeypatch.setattr(openai_backend, "_JSON_MODE_BY_ENDPOINT", {})
    backend = get_backend(server_settings(*llama_server))
    assert isinstance(backend, OpenAIBackend)
    return backend


@pytest.mark.slow
def test_server_complete(server_backend):
    result = server_backend.complete(Request(prompt="The capital of France is", max_tokens=16, temperature=0))
    assert isinstance(result.text, str) and result.text.strip()
    assert result.prompt_tokens > 0 and 0 < result.completion_tokens <= 16


@pytest.mark.slow
def test_server_stream(server_backend):
    pieces = list(server_backend.stream(Request(prompt="The capital of France is", max_tokens=12, temperature=0)))
    assert pieces and all(isinstance(p, str) for p in pieces)


@pytest.mark.slow
def test_server_complete_json_finds_a_working_mode(server_backend):
    request = Request(
        prompt="Which colours does the French flag have? Answer in JSON.",
        max_tokens=64,
        temperature=0,
    )
    result = server_backend.complete_json(request, SCHEMA)
    assert result.data["answer"] and 1 <= len(result.data["items"]) <= 3
    # llama_cpp.server rejects "json_schema" (HTTP 500, a validation error) and constrains
    # "json_object" + "schema" with a grammar.
    assert openai_backend._JSON_MODE_BY_ENDPOINT[(server_backend.base_url, server_backend.model)] == (
        "json_object_schema"
    )
