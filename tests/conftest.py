"""Shared fixtures.

The corpus of real papers lives in ``../shared/corpus/papers`` beside the checkout
(others' copyright: never copied into the repo). Tests that need it skip cleanly
when it is absent.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PAPERPAL_CORPUS", REPO.parent / "shared" / "corpus" / "papers"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test touches a real user's data, settings or keyring."""
    home = tmp_path_factory.mktemp("paperpal-home")
    monkeypatch.setenv("PAPERPAL_HOME", str(home))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "PAPERPAL_BACKEND", "PAPERPAL_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    yield home


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "MANIFEST.tsv").exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="session")
def manifest(corpus) -> list[dict[str, str]]:
    return read_tsv(corpus / "MANIFEST.tsv")
