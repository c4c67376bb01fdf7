"""Every UI string has its Chinese text, with the same placeholders (the UI is used in 中文 and English)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from ui import i18n

UI = Path(i18n.__file__).resolve().parent


def _literal_tr_calls():
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):  # fmt: skip
                yield f"{path.name}:{node.lineno}", node.args[0].value


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_ui_string_has_a_chinese_translation_with_the_same_placeholders():
    zh = i18n.table("zh")
    calls = list(_literal_tr_calls())
    assert len(calls) > 50, "the scan found the UI's strings"
    missing = [f"{where}: {text!r}" for where, text in calls if text not in zh]
    assert not missing, "add these to ui/locale/zh/*.json:\n" + "\n".join(missing)
    wrong = [f"{text!r} -> {zh[text]!r}" for _, text in calls if _fields(text) != _fields(zh[text])]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_are_chinese_and_tr_follows_the_language():
    zh = i18n.table("zh")
    latin_only = [k for k, v in zh.items() if not re.search(r"[\u3400-\u9fff]", v) and "Language" not in k]
    assert not latin_only, f"not translated: {latin_only}"
    try:
        i18n.set_language("zh")
        assert i18n.tr("Summary") == "总结"
        assert i18n.tr("Opening {name}", name="a.pdf") == "正在打开 a.pdf"
        i18n.set_language("en")
        assert i18n.tr("Opening {name}", name="a.pdf") == "Opening a.pdf"
    finally:
        i18n.set_language("en")
