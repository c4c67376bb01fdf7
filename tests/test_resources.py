"""Prompts and templates are files with declared variables, shipped inside the package."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from paperpal.errors import ConfigError
from paperpal.export.markdown import render_note
from paperpal.model import Evidence
from paperpal.note import Aspect, Statement, SummaryNote
from paperpal.resources import load_prompt, resource_names

LEFTOVER = re.compile(r"{{|}}|{%|%}")


@pytest.mark.parametrize("name", [n for n in resource_names("prompts") if n.endswith(".md")])
def test_every_prompt_renders_with_exactly_its_variables(name):
    task, lang, _ = name.split(".")
    prompt = load_prompt(task, lang)
    values = {v: f"<{v}>" for v in prompt.variables}
    text = prompt.render(**values)
    assert not LEFTOVER.search(text), f"{name}: leftover placeholder"
    for v in prompt.variables:
        assert f"<{v}>" in text, f"{name}: variable {v} not used"
    with pytest.raises(ConfigError, match="wrong variables"):
        prompt.render(**values, surprise="x")
    if values:
        with pytest.raises(ConfigError, match="missing"):
            prompt.render()


def test_each_prompt_exists_in_both_languages():
    names = set(resource_names("prompts"))
    tasks = {n.split(".")[0] for n in names}
    for task in tasks:
        assert {f"{task}.en.md", f"{task}.zh.md"} <= names, task


def test_user_override_folder_is_read_first(_isolated_home):
    override = _isolated_home / "config" / "prompts"
    override.mkdir(parents=True)
    (override / "summary.en.md").write_text("---\nvariables: [title, paper_text]\n---\nMINE {{ title }} {{ paper_text }}\n")
    assert load_prompt("summary", "en").render(title="T", paper_text="P") == "MINE T P\n"


def test_prompt_declaring_wrong_variables_is_rejected(_isolated_home):
    override = _isolated_home / "config" / "prompts"
    override.mkdir(parents=True)
    (override / "summary.en.md").write_text("---\nvariables: [title]\n---\n{{ title }} {{ paper_text }}\n")
    with pytest.raises(ConfigError, match="declares"):
        load_prompt("summary", "en")


def _note(lang: str) -> SummaryNote:
    ev = [Evidence("3.2", "Method", 4, "The quoted passage.")]
    return SummaryNote(
        title="A Paper", language=lang, authors=["Ann Lee", "Bo Chen", "Cy Park"], authors_short="Ann Lee, Bo Chen, et al.",
        keywords=["k1", "k2"], one_sentence="One.", problem="Problem.", method=[Aspect("M", "m detail", ev, "model")],
        results=[Aspect("R", "r detail", ev, "paper")], strengths=[Statement("S", ev)], weaknesses=[Statement("W", ev)],
        evidence={"one_sentence": [Evidence(None, "Abstract", 1, "One.")], "problem": ev},
        origin={"one_sentence": "model", "problem": "paper"},
        provenance={"paperpal_version": "0", "backend": "local", "model": "m", "prompt": "p", "source_file": "f.pdf"},
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_note_templates_render_every_field(lang):
    text = render_note(_note(lang)).text
    cite, first = ("（§3.2，第 4 页）", "（Abstract，第 1 页）") if lang == "zh" else (" (§3.2, p. 4)", " (Abstract, p. 1)")
    for piece in ("# A Paper", "Ann Lee, Bo Chen, et al.", "k1", f"One.{first}", f"Problem.{cite}",
                  f"**M**: m detail{cite}", f"**R**: r detail{cite}", f"- S{cite}", f"- W{cite}", "f.pdf"):
        assert piece in text, f"{lang}: {piece!r} missing"
    assert ("4 written by the model" if lang == "en" else "4 条由模型撰写") in text
    assert not LEFTOVER.search(text)
    linked = render_note(_note(lang), links=True)
    assert len(linked.evidence) == 6 and "(#evidence-5)" in linked.text


def test_wheel_ships_prompts_and_templates(tmp_path):
    """A non-editable install must find its prompts: build the wheel and look inside, then import from it."""
    repo = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(repo)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("paperpal-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for required in ("paperpal/prompts/summary.en.md", "paperpal/prompts/summary.zh.md", "paperpal/templates/note.en.md.j2",
                     "paperpal/templates/group-meeting.pptx", "paperpal/models/summary-lora.gguf",
                     "paperpal/models/summary-lora.md"):
        assert required in names, f"{required} not in {wheel.name}"
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import paperpal.resources as r, pathlib; p = r.load_prompt('summary', 'zh'); "
            f"assert pathlib.Path(p.path).is_relative_to({str(site)!r}), p.path; print(p.path)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(site), "PAPERPAL_HOME": str(tmp_path / "h")},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
