"""Sync: full then incremental (only what changed is fetched), removals, changed PDFs, bad items that
never stop a sync, rate limits, the CLI, and what the slides/GUI read back (``library_pdfs``)."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from conftest import skip_without_corpus
from click.testing import CliRunner
from zotero_support import SCHEMA, Annot

from paperpal import index
from paperpal.cli import cli
from paperpal.errors import ConfigError
from paperpal.zotero.library import item_pdf, library_pdfs
from paperpal.zotero.sync import content_hash, sync

pytestmark = skip_without_corpus(not SCHEMA.is_dir(), "shared Zotero schema files not found")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_sqlite_full_then_incremental(zotero_env):
    settings = zotero_env.settings()
    first = sync(settings, source="sqlite", index=False)
    assert (first.items, first.with_pdf, first.new, first.incremental) == (6, 4, 6, False)
    assert sorted((k, why.split(":")[0]) for k, _t, why in first.skipped) == [
        ("BOOKNOPDF", "no PDF attachment"), ("MISSING1", "PDF file missing")]  # fmt: skip
    again = sync(settings, source="sqlite", index=False)
    # nothing read from Zotero; only the two items without a PDF were checked again (unchanged)
    assert again.incremental and (again.new, again.updated, again.unchanged, again.removed) == (0, 0, 2, 0)
    zotero_env.library.edit("BENGIO03", title="Edited Title")
    zotero_env.library.remove("BOOKNOPDF")
    zotero_env.rebuild_sqlite()
    changed = sync(settings, source="sqlite", index=False)
    # only the edited item was read again (and the one without its PDF file checked); the deleted one left
    assert (changed.updated, changed.unchanged, changed.removed, changed.items) == (1, 1, 1, 5)
    titles = {meta["key"]: meta["title"] for _p, meta in library_pdfs(settings)}
    assert titles["BENGIO03"] == "Edited Title"


def test_web_incremental_fetches_only_changes(zotero_env, corpus):
    settings = zotero_env.settings()
    first = sync(settings, source="web", index=False)
    assert (first.items, first.with_pdf) == (6, 4)
    downloaded = sorted(p.name for p, _m in library_pdfs(settings) if "zotero/files" in str(p))
    assert downloaded == ["bengio.pdf", "textcnn.pdf"]  # stored files came down into PaperPal's store
    bengio_pdf, _meta = item_pdf(settings, "BENGIO03")
    assert content_hash(bengio_pdf) == content_hash(corpus / "a-neural-probabilistic-language-model.pdf")
    zotero_env.library.edit("MIKOLOV1", title="word2vec")
    zotero_env.library.remove("MISSING1")
    att = zotero_env.library.item("DEERWE90").attachments[0]
    att.annotations.append(Annot("NEWANNOT", text="latent semantic", page_index=2, version=zotero_env.library.bump()))
    seen = len(zotero_env.server.requests)
    second = sync(settings, source="web", index=False)
    assert second.incremental and (second.updated, second.removed, second.items) == (2, 1, 5)
    paths = [p for _m, p in zotero_env.server.requests[seen:]]
    assert any("format=versions" in p and "since=10" in p for p in paths)
    assert any(p.startswith("/users/475425/deleted?since=10") for p in paths)
    assert not any("/file" in p for p in paths)  # nothing changed in the files: no downloads
    assert not any(p.startswith("/users/475425/items?") and "itemKey" not in p and "versions" not in p for p in paths)
    [(_p, lsa)] = library_pdfs(settings, tag="LSA")
    assert lsa["key"] == "DEERWE90"


def test_changed_pdf_gets_a_new_content_hash(zotero_env, corpus):
    settings = zotero_env.settings()
    sync(settings, source="local", index=False)
    path, _meta = item_pdf(settings, "STANDPDF")
    before = content_hash(path)
    shutil.copyfile(corpus / "probabilistic-latent-semantic-analysis.pdf", path)
    report = sync(settings, source="local", index=False)
    assert report.updated == 1 and report.unchanged == 5
    assert content_hash(path) != before
    from paperpal.zotero.store import SyncStore

    with SyncStore() as store:
        assert store.items("users/0")["STANDPDF"].paper_id == content_hash(path)


def test_one_bad_item_never_stops_a_sync(zotero_env):
    zotero_env.server.inject("GET", r"/items/BENGPDF1/file", 500, times=None)
    settings = zotero_env.settings()
    report = sync(settings, source="web", index=False)
    assert [(k, "500" in why) for k, _t, why in report.failed] == [("BENGIO03", True)]
    assert report.with_pdf == 3  # the others synced
    zotero_env.server.injected.clear()
    fixed = sync(settings, source="web", index=False)
    assert not fixed.failed and fixed.with_pdf == 4


def test_rate_limits_are_waited_out(zotero_env):
    zotero_env.server.inject("GET", r"/collections", 429, {"Retry-After": "1"})
    zotero_env.server.inject("GET", r"/items\?", 200, {"Backoff": "1"})
    started = time.monotonic()
    report = sync(zotero_env.settings(), source="web", index=False)
    assert report.items == 6
    assert time.monotonic() - started >= 2.0
    times = zotero_env.server.times
    first_items = next(
        i for i, (_m, p) in enumerate(zotero_env.server.requests) if p.startswith("/users/475425/items?")
    )
    assert times[first_items + 1] - times[first_items] >= 0.9  # the Backoff header delayed the next request


def test_collection_scoped_sync(zotero_env):
    settings = zotero_env.settings()
    report = sync(settings, source="web", collection="topic models", index=False)
    files = [p for _m, p in zotero_env.server.requests if "/file" in p]
    assert files == [p for p in files if "STANDPDF" in p] and files  # only the collection's PDF came down
    assert report.items == 6
    assert [m["key"] for _p, m in library_pdfs(settings, collection="Topic Models")] == ["DEERWE90", "STANDPDF"]
    with pytest.raises(
        ConfigError, match="No Zotero collection named 'nope' .*Embeddings, Language Models, Topic Models"
    ):
        sync(settings, source="web", collection="nope", index=False)


def test_library_before_any_sync_and_unknown_collection(zotero_env):
    settings = zotero_env.settings()
    with pytest.raises(ConfigError, match="No Zotero library synced yet \\(run `paperpal sync`\\)"):
        library_pdfs(settings)
    sync(settings, source="sqlite", index=False)
    assert [m["key"] for _p, m in library_pdfs(settings, collection="Language Models")] == ["BENGIO03", "MIKOLOV1"]
    assert [m["key"] for _p, m in library_pdfs(settings, collection="Embeddings")] == ["MIKOLOV1"]
    with pytest.raises(ConfigError, match="known collections: Embeddings, Language Models, Topic Models"):
        library_pdfs(settings, collection="Vision")
    with pytest.raises(ConfigError, match="has no PDF here: no PDF attachment"):
        item_pdf(settings, "BOOKNOPDF")


def test_cli_sync_and_library(zotero_env):
    zotero_env.settings()
    result = run("sync", "--source", "sqlite", "--no-index")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Synced users/0 from sqlite (full, ") and lines[0].endswith("6 items, 4 with a PDF")
    assert "  skipped 2 (no usable PDF): 1 no PDF attachment, 1 PDF file missing" in lines
    assert "  index: not updated (--no-index)" in lines
    data = json.loads(run("sync", "--source", "sqlite", "--no-index", "--json").output)
    assert data["incremental"] and (data["new"], data["updated"], data["unchanged"], data["items"]) == (0, 0, 2, 6)
    listing = json.loads(run("library", "--json", "--collection", "Language Models").output)
    assert [(e["key"], e["pdf"] is not None) for e in listing] == [("BENGIO03", True), ("MIKOLOV1", True)]
    assert listing[0]["annotations"][0] == {"page": 1, "page_label": "1137", "type": "highlight",
                                            "text": "statistical language modeling", "comment": "key idea"}  # fmt: skip
    assert set(listing[0]) >= {"key", "library", "title", "authors", "year", "venue", "doi", "url", "abstract",
                               "collections", "tags", "pdf", "paper_id", "status", "reason"}  # fmt: skip
    text = run("library", "--tag", "embeddings").output
    assert text.startswith(
        "MIKOLOV1  Efficient Estimation of Word Representations in Vector Space (Tomas Mikolov, 2013)"
    )
    bad = run("library", "--collection", "Vision")
    assert bad.exit_code == 2 and bad.output.startswith("Error: No Zotero collection named 'Vision'")
    zotero_env.server.close()
    down = run("sync", "--source", "local")
    assert down.exit_code == 2 and down.output.startswith("Error: Zotero is not running")


def test_sync_feeds_the_index(zotero_env):
    settings = zotero_env.settings()
    for item in list(zotero_env.library.items):  # one short paper (6 pages) keeps the embedding time down
        if item.key not in ("STANDPDF", "BOOKNOPDF"):
            zotero_env.library.items.remove(item)
    zotero_env.rebuild_sqlite()
    report = sync(settings, source="sqlite")
    assert report.indexed == {"indexed": 1, "unchanged": 0, "failed": [], "removed": 0}
    pdf, _meta = item_pdf(settings, "STANDPDF")
    assert index.indexed_paper_ids(settings=settings) == {content_hash(pdf)}
    record = index.catalog(settings=settings)[content_hash(pdf)]
    assert (record.zotero_key, record.collections) == ("STANDPDF", ["Topic Models"])  # Zotero's metadata went in
    again = sync(settings, source="sqlite")  # nothing changed: nothing to index
    assert again.indexed == {"indexed": 0, "unchanged": 0, "failed": [], "removed": 0}
    zotero_env.library.remove("STANDPDF")
    zotero_env.rebuild_sqlite()
    gone = sync(settings, source="sqlite")
    assert gone.removed == 1 and gone.indexed["removed"] == 1
    assert index.indexed_paper_ids(settings=settings) == set()


def test_a_cancel_that_lands_while_indexing_keeps_the_saved_sync_and_says_so(zotero_env, monkeypatch):
    """Cancel after the library was saved (during indexing): the sync returns its report, the library stays saved,
    and the report says indexing was cancelled (the app and the CLI show it), rather than "Cancelled." as if nothing
    had been kept."""
    import threading

    from paperpal.zotero import sync as sync_module
    from paperpal.zotero.store import SyncStore

    settings = zotero_env.settings()
    cancel = threading.Event()
    real = sync_module._feed_index

    def cancelled_while_indexing(*args):
        cancel.set()  # the user presses Cancel once the items are saved
        return real(*args)

    monkeypatch.setattr(sync_module, "_feed_index", cancelled_while_indexing)
    report = sync(settings, source="sqlite", cancel=cancel)
    assert report.indexed == {"cancelled": sync_module.INDEX_CANCELLED} and report.items == 6
    with SyncStore() as store:
        assert len(store.summary(report.library)) == 6  # saved
    assert index.indexed_paper_ids(settings=settings) == set()


def test_cli_stores_the_zotero_key_or_says_why_not():
    result = CliRunner().invoke(cli, ["config", "set-key", "--zotero"], input="zotero-key-123\n")
    # the tests' keyring is the null backend: the key must never be lost silently
    assert result.exit_code == 2
    assert result.output.startswith("Error: No usable OS keyring to store the API key")
    assert "set ZOTERO_API_KEY in your environment instead" in result.output


def test_base_directory_and_data_directory_from_zotero_prefs(zotero_env, tmp_path, monkeypatch):
    from paperpal.zotero import zotero_paths

    home = tmp_path / "home"
    monkeypatch.setattr(zotero_paths.Path, "home", classmethod(lambda cls: home))
    settings = zotero_env.settings()
    settings.zotero.base_dir = None
    report = sync(settings, source="sqlite", index=False)
    why = {k: r for k, _t, r in report.skipped}
    assert why["DEERWE90"] == "linked PDF needs the base directory: attachments:lsa/indexing.pdf (set zotero.base_dir)"
    profile = home / ".zotero" / "zotero" / "x1y2.default"
    profile.mkdir(parents=True)
    (profile / "prefs.js").write_text(
        "// Mozilla User Preferences\n"
        f'user_pref("extensions.zotero.baseAttachmentPath", {json.dumps(str(zotero_env.base_dir))});\n'
        f'user_pref("extensions.zotero.dataDir", {json.dumps(str(zotero_env.data_dir))});\n'
        'user_pref("extensions.zotero.useDataDir", true);\n',
        encoding="utf-8",
    )
    assert zotero_paths.default_data_dir() == zotero_env.data_dir
    fixed = sync(settings, source="sqlite", index=False)
    assert "DEERWE90" not in {k for k, _t, _r in fixed.skipped} and fixed.with_pdf == 4


def test_group_library_and_cancel(zotero_env):
    import threading

    from paperpal.errors import Cancelled
    from paperpal.zotero.store import SyncStore

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        sync(zotero_env.settings(), source="sqlite", index=False, cancel=cancel)
    with SyncStore() as store:
        assert store.libraries() == []  # a cancelled sync leaves nothing half-written
    report = sync(zotero_env.settings(library_type="group", library_id="4711"), source="web", index=False)
    assert (report.library, report.items, report.with_pdf) == ("groups/4711", 6, 4)
    assert any(p.startswith("/groups/4711/items?") for _m, p in zotero_env.server.requests)
