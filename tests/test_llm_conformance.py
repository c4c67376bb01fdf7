"""Every registered backend keeps the :class:`~paperpal.llm.base.Backend` contract.

Cases: the bundled model in-process (``local``), ``llama_cpp.server`` through OpenAIBackend and the
stdlib stand-in server through OpenAIBackend (``openai``).  All are built through the registry.
"""

from __future__ import annotations

import pytest
from llm_support import StandIn, local_settings, make_settings, server_settings
from test_llm_local import SCHEMA

from paperpal.llm import available, get_backend, openai_backend
from paperpal.llm.base import Backend, Completion, Profile, Request

CASES = {
    "local": ("local", "slow"),
    "llama-server": ("openai", "slow"),
    "stand-in": ("openai", None),
}
SMALL = {"local": True, "llama-server": False, "stand-in": False}  # what each declares in its Profile


@pytest.fixture
def settings_for(request, monkeypatch):
    """Settings for one case, starting only what that case needs."""
    monkeypatch.setattr(openai_backend, "_JSON_MODE_BY_ENDPOINT", {})

    def make(case: str):
        if case == "local":
            return local_settings(request.getfixturevalue("bundled_gguf"))
        if case == "llama-server":
            return server_settings(*request.getfixturevalue("llama_server"))
        standin = StandIn()
        request.addfinalizer(standin.close)
        return make_settings(standin.url)

    return make


def test_every_registered_backend_has_a_case():
    assert set(available()) <= {backend for backend, _ in CASES.values()}


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, marks=[pytest.mark.slow] if mark else []) for case, (_, mark) in CASES.items()],
)
def test_backend_contract(case, settings_for):
    settings = settings_for(case)
    backend = get_backend(settings)
    assert isinstance(backend, Backend)
    assert backend.name == CASES[case][0] and isinstance(backend.model, str) and backend.model
    assert backend.context_window > 0
    assert isinstance(backend.profile, Profile) and backend.profile.small_model is SMALL[case]
    assert backend.profile.grammar is SMALL[case]  # the bundled model's JSON is grammar-constrained
    request = Request(
        prompt="The capital of France is",
        system="Complete the sentence.",
        max_tokens=12,
        temperature=0,
    )
    assert request.prompt in backend.format_prompt(request)
    assert backend.count_tokens(request.prompt) > 0

    result = backend.complete(request)
    assert isinstance(result, Completion) and isinstance(result.text, str)
    assert result.prompt_tokens > 0 and result.completion_tokens >= 0

    pieces = list(backend.stream(request))
    assert all(isinstance(piece, str) for piece in pieces)

    json_request = Request(
        prompt="Which colours does the French flag have? Answer in JSON.\nJSON:",
        max_tokens=64,
        temperature=0,
    )
    data = backend.complete_json(json_request, SCHEMA).data
    assert data["answer"] and 1 <= len(data["items"]) <= 3
