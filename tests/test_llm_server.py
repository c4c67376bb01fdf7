"""OpenAIBackend against a real OpenAI-compatible server: ``python -m llama_cpp.server`` (the
``llama-cpp-python[server]`` extra) running the bundled model on 127.0.0.1 — no network.

One server per test session (:func:`llama_server`, also used by ``test_llm_conformance``).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_llm_local import SCHEMA, bundled_gguf  # noqa: F401  (session fixture)

from paperpal.llm import get_backend, openai_backend
from paperpal.llm.base import Request
from paperpal.llm.openai_backend import OpenAIBackend
from paperpal.settings import LLMSettings, Settings

READY_TIMEOUT = 120.0
_shared: dict[str, tuple[str, str]] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _served_model(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
            return json.load(response)["data"][0]["id"]
    except OSError:
        return None


@pytest.fixture(scope="session")
def llama_server(bundled_gguf, tmp_path_factory, request):  # noqa: F811
    """(base_url, model id) of a llama_cpp.server subprocess serving the bundled model."""
    if "server" in _shared:
        return _shared["server"]
    missing = [m for m in ("uvicorn", "sse_starlette", "fastapi") if importlib.util.find_spec(m) is None]
    assert not missing, f'llama_cpp.server needs {missing}: pip install -e ".[dev]" (it brings llama-cpp-python[server])'
    port = _free_port()
    log_path: Path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = log_path.open("wb")
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

    request.addfinalizer(stop)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + READY_TIMEOUT
    while (model := _served_model(url)) is None:
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log_path.read_text(errors="replace")[-2000:]
            pytest.fail(f"llama_cpp.server did not start (exit {proc.poll()}):\n{tail}")
        time.sleep(0.25)
    _shared["server"] = (url, model)
    return _shared["server"]


def server_settings(url: str, model: str) -> Settings:
    return Settings(llm=LLMSettings(backend="openai", base_url=url, model=model, max_retries=1, timeout=120))


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
    request = Request(prompt="Which colours does the French flag have? Answer in JSON.", max_tokens=64, temperature=0)
    result = server_backend.complete_json(request, SCHEMA)
    assert result.data["answer"] and 1 <= len(result.data["items"]) <= 3
    # llama_cpp.server rejects "json_schema" (HTTP 500, a validation error) and constrains
    # "json_object" + "schema" with a grammar.
    assert openai_backend._JSON_MODE_BY_ENDPOINT[(server_backend.base_url, server_backend.model)] == (
        "json_object_schema"
    )
