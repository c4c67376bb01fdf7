"""The README's two quick-start commands: the install-and-summarize line, and the test command CI runs.

The generated reference (the command reference and the settings table) moved to docs/ and is checked in
``tests/test_docs.py``; regenerate it with ``python docs/gen_commands.py``.
"""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
CI_RUN = README.parent / ".ci" / "run"


def test_ci_runs_the_readme_test_command():
    readme = README.read_text(encoding="utf-8")
    command = "./install.sh dev,train && python -m pytest"
    assert command in readme
    ci = CI_RUN.read_text()
    assert "\nbash install.sh dev,train\n" in ci and "\npython -m pytest" in ci


def test_quick_start_summarizes_the_bundled_paper_without_a_key():
    readme = README.read_text(encoding="utf-8")
    assert "./install.sh && paperpal summarize ../shared/corpus/papers/attention-is-all-you-need.pdf" in readme
