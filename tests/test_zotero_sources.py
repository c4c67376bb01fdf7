"""The three ways into a Zotero library read the same test library completely and identically.

The library is built twice from one description: as a real ``zotero.sqlite`` from Zotero's own schema
files, and as a Zotero Web API v3 / local API server on 127.0.0.1 that the real pyzotero talks to.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from conftest import skip_without_corpus
from zotero_support import SCHEMA, build_sqlite, sample_library, schema_version

from paperpal.errors import ConfigError, InputFileError
from paperpal.zotero.local_source import LocalSource
from paperpal.zotero.sources import open_source
from paperpal.zotero.sqlite_source import SUPPORTED_USERDATA_VERSION, SqliteSource
from paperpal.zotero.web_source import WebSource

pytestmark = skip_without_corpus(not SCHEMA.is_dir(), "shared Zotero schema files not found")


def test_supported_schema_is_the_shipped_zotero_schema():
    assert SUPPORTED_USERDATA_VERSION == schema_version("userdata.sql")


def test_sqlite_reads_the_library_exactly(zotero_env, corpus):
    source = SqliteSource.open(zotero_env.settings())
    fetch = source.fetch(None)
    by_key = {r.key: r for r in fetch.records}
    assert sorted(by_key) == ["BENGIO03", "BOOKNOPDF", "DEERWE90", "MIKOLOV1", "MISSING1", "STANDPDF"]  # trash left out
    bengio = by_key["BENGIO03"]
    assert bengio.title == "A Neural Probabilistic Language Model"
    assert bengio.authors == ["Yoshua Bengio", "Réjean Ducharme"]  # the editor is not an author
    assert (bengio.year, bengio.venue, bengio.doi) == (
        2003,
        "Journal of Machine Learning Research",
        "10.5555/944919.944966",
    )
    assert bengio.fields["accessDate"] == "2024-01-05T09:30:00Z"  # SQL time as the API writes it
    assert bengio.tags == ["language model", "neural"] and bengio.collections == ["LMCOLL01"]
    [pdf] = bengio.attachments
    assert pdf.local_path == str(zotero_env.data_dir / "storage" / "BENGPDF1" / "bengio.pdf")
    assert [(a.type, a.page, a.page_label, a.text, a.comment) for a in pdf.annotations] == [
        ("highlight", 1, "1137", "statistical language modeling", "key idea"),
        ("note", 2, "1138", "", "see section 2"),
    ]
    assert by_key["DEERWE90"].fields["date"] == "September 1990"  # multipart date "1990-09-00 September 1990"
    assert by_key["DEERWE90"].attachments[0].local_path == str(zotero_env.base_dir / "lsa" / "indexing.pdf")
    w2v = by_key["MIKOLOV1"].attachments[0]
    assert w2v.link_mode == "linked_file" and w2v.local_path == str(
        corpus / "word2vec-efficient-estimation-of-word-representations.pdf"
    )
    assert by_key["BOOKNOPDF"].authors == ["Stanford NLP Group"]
    assert by_key["STANDPDF"].item_type == "attachment" and by_key["STANDPDF"].collections == ["TOPICS01"]
    assert {c.name: c.parent for c in fetch.collections.values()} == {
        "Language Models": None, "Embeddings": "LMCOLL01", "Topic Models": None}  # fmt: skip


def test_all_three_sources_return_identical_records(zotero_env):
    settings = zotero_env.settings()
    sqlite = SqliteSource.open(settings).fetch(None)
    web = WebSource.connect(settings).fetch(None)
    local = LocalSource.connect(settings).fetch(None)
    assert len(sqlite.records) == 6
    assert [r.comparable() for r in sqlite.records] == [r.comparable() for r in web.records]
    assert [r.comparable() for r in sqlite.records] == [r.comparable() for r in local.records]
    assert sqlite.collections == web.collections == local.collections
    # the local API resolves the same files; the web API gives download links for stored files
    assert [a.local_path for r in sqlite.records for a in r.attachments] == [
        a.local_path for r in local.records for a in r.attachments
    ]
    links = {a.key: a.download_url for r in web.records for a in r.attachments if a.download_url}
    assert sorted(links) == ["BENGPDF1", "STANDPDF"]  # the missing file was never uploaded
    # paging really happened: page size 2 -> Link rel="next" followed
    assert any("start=2" in path for _m, path in zotero_env.server.requests)


def test_sqlite_file_is_never_modified(zotero_env):
    path = zotero_env.data_dir / "zotero.sqlite"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    source = SqliteSource.open(zotero_env.settings())
    source.fetch(None)
    with pytest.raises(sqlite3.OperationalError):  # read-only: a write is refused
        source.conn.execute("CREATE TABLE paperpal (x)")
    source.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in zotero_env.data_dir.iterdir()) == ["storage", "zotero.sqlite"]  # no journal, no wal


def test_not_a_zotero_database(tmp_path, monkeypatch):
    from paperpal.settings import load_settings

    monkeypatch.setenv("ZOTERO_DATA_DIR", str(tmp_path))
    (tmp_path / "zotero.sqlite").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(InputFileError, match="is not a Zotero database \\(not an SQLite file\\)"):
        SqliteSource.open(load_settings())
    (tmp_path / "zotero.sqlite").unlink()
    conn = sqlite3.connect(tmp_path / "zotero.sqlite")
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(InputFileError, match="an SQLite file but not a Zotero database"):
        SqliteSource.open(load_settings())
    (tmp_path / "zotero.sqlite").unlink()
    with pytest.raises(InputFileError, match="No Zotero database at"):
        SqliteSource.open(load_settings())


def test_newer_zotero_schema_is_refused_clearly(corpus, tmp_path, monkeypatch):
    from paperpal.settings import load_settings

    build_sqlite(sample_library(corpus, tmp_path), tmp_path / "Zotero", user_version=SUPPORTED_USERDATA_VERSION + 1)
    monkeypatch.setenv("ZOTERO_DATA_DIR", str(tmp_path / "Zotero"))
    with pytest.raises(InputFileError, match=f"uses Zotero database schema {SUPPORTED_USERDATA_VERSION + 1}, newer"):
        SqliteSource.open(load_settings())


def test_web_errors_are_one_clear_line(zotero_env):
    settings = zotero_env.settings()
    settings.zotero_api_key = type(settings.zotero_api_key)("wrong-key")
    with pytest.raises(ConfigError, match="refused the API key .*\\(403\\)") as err:
        WebSource.connect(settings).fetch(None)
    assert "zotero.org/settings/keys" in str(err.value)
    settings = zotero_env.settings(library_id="999")
    with pytest.raises(ConfigError, match="Zotero has no library users/999 .*\\(404\\)"):
        WebSource.connect(settings).fetch(None)
    with pytest.raises(ConfigError, match="No Zotero API key"):
        settings = zotero_env.settings()
        settings.zotero_api_key = None
        WebSource.connect(settings)


def test_zotero_not_running_and_auto_choice(zotero_env):
    zotero_env.server.close()
    settings = zotero_env.settings()
    with pytest.raises(ConfigError, match="Zotero is not running"):
        LocalSource.connect(settings)
    assert open_source(settings, "auto").kind == "sqlite"  # no local API -> zotero.sqlite
    (zotero_env.data_dir / "zotero.sqlite").unlink()
    assert open_source(settings, "auto").kind == "web"  # no database -> web API (key and library id set)
    settings.zotero_api_key = None
    with pytest.raises(ConfigError, match="No Zotero library found"):
        open_source(settings, "auto")


def test_auto_prefers_the_running_zotero(zotero_env):
    assert open_source(zotero_env.settings(), "auto").kind == "local"
    zotero_env.server.inject("GET", r"^/api/", 403, times=None)  # Zotero runs with its local API switched off
    assert open_source(zotero_env.settings(), "auto").kind == "sqlite"
    with pytest.raises(ConfigError, match="Zotero is running but its local API is off"):
        open_source(zotero_env.settings(), "local")


def test_an_unreadable_api_item_is_reported_not_fatal(zotero_env):
    from paperpal.zotero.api_records import records_from_objects

    objects = zotero_env.server._objects(local=False)
    broken = next(o for o in objects if o["key"] == "BOOKNOPDF")
    broken["data"]["creators"] = 7  # not a list
    problems: list[tuple[str, str]] = []
    records = records_from_objects(objects, problems)
    assert len(records) == 5 and "BOOKNOPDF" not in {r.key for r in records}
    assert problems == [("BOOKNOPDF", "unreadable item data (TypeError: 'int' object is not iterable)")]
