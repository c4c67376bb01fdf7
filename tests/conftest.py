"""Shared fixtures.

The corpus of real papers lives in ``../shared/corpus/papers`` beside the checkout
(others' copyright: never copied into the repo). Tests that need it, or another resource from outside
the repo (the Zotero schema, LibreOffice, the train extra), skip cleanly when it is absent — except under
``CI=true``, where its absence fails the run (:func:`corpus_missing`, :func:`skip_without_corpus`): CI cannot go
green by not running them.  Nothing else skips: LibreOffice and the train extra are installed by ``.ci/run`` /
``install.sh dev,train``, and a test that needs them fails, saying what to install, where they are missing.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from llm_support import READY_TIMEOUT, StandIn, _free_port, _served_model

from paperpal.llm import model_files

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # GUI tests (pytest-qt) draw offscreen, no screen needed

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PAPERPAL_CORPUS", REPO.parent / "shared" / "corpus" / "papers"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def corpus_missing(reason: str):
    """The shared corpus (../shared: papers, Zotero schema) lacks what a test reads: skip locally, fail under CI=true.
    The only skip in the suite: everything else a test needs is installed by the project (a missing tool fails)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(f"shared corpus missing: {reason}")


def skip_without_corpus(condition: bool, reason: str):
    """``pytest.mark.skipif`` for a missing shared-corpus file; never skips under CI=true."""
    return pytest.mark.skipif(bool(condition) and not IN_CI, reason=reason)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test touches a real user's data, settings or keyring."""
    home = tmp_path_factory.mktemp("paperpal-home")
    monkeypatch.setenv("PAPERPAL_HOME", str(home))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_MODEL",
        "PAPERPAL_BACKEND",
        "PAPERPAL_DEBUG",
    ):
        monkeypatch.delenv(var, raising=False)
    yield home


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "MANIFEST.tsv").exists():
        corpus_missing(f"shared corpus not found at {CORPUS} (set PAPERPAL_CORPUS or put ../shared beside the checkout)")
    return CORPUS


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="session")
def manifest(corpus) -> list[dict[str, str]]:
    return read_tsv(corpus / "MANIFEST.tsv")


# -- LLM fixtures: the bundled model, a llama_cpp.server serving it, an OpenAI-format stand-in ------

_shared: dict = {}


@pytest.fixture(scope="session")
def bundled_gguf(tmp_path_factory) -> Path:
    """The bundled model assembled once per session ."""
    if "gguf" not in _shared:
        folder = os.environ.get(model_files.MODELS_DIR_ENV) or tmp_path_factory.mktemp("models")
        _shared["gguf"] = model_files.bundled_model_path(Path(folder))
    return _shared["gguf"]


@pytest.fixture(scope="session")
def llama_server(bundled_gguf, tmp_path_factory, request):
    """(base_url, model id) of a llama_cpp.server subprocess serving the bundled model."""
    if "server" in _shared:
        return _shared["server"]
    missing = [m for m in ("uvicorn", "sse_starlette", "fastapi") if importlib.util.find_spec(m) is None]
    assert not missing, (
        f'llama_cpp.server needs {missing}: pip install -e ".[dev]" (it brings llama-cpp-python[server])'
    )
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


@pytest.fixture
def standin():
    """A stand-in for a paid OpenAI-compatible API on 127.0.0.1 (scripted replies)."""
    server = StandIn()
    yield server
    server.close()


@pytest.fixture
def zotero_env(corpus, tmp_path):
    """A Zotero library built from Zotero's own schema (zotero.sqlite + storage/) and a Web API stand-in server."""
    from zotero_support import make_env

    env = make_env(corpus, tmp_path)
    yield env
    env.server.close()
