"""Zotero: read the user's library three ways (local API, zotero.sqlite, web API), keep PaperPal's
copy in sync, and write summaries back as child notes.

Modules: ``records`` (the item record every source returns), ``sources`` (the interface and ``auto``),
``sqlite_source`` / ``local_source`` / ``web_source``, ``api_records`` (API JSON → records, errors),
``store`` (sync state), ``sync``, ``library`` (what is synced, with PDF paths), ``writeback``.
"""
