"""A third-party backend installed as a package with a ``paperpal.backends`` entry point is selectable in the
settings (file, environment, ``--backend``), listed in the settings dialog's choices, and declares its profile."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PLUGIN = '''
from paperpal.llm.base import Completion, Profile


class EchoBackend:
    name = "echo"
    profile = Profile(small_model=False, grammar=False)

    def __init__(self, settings):
        self.model = "echo-" + (settings.llm.model or "default")

    @property
    def context_window(self):
        return 4096

    def count_tokens(self, text):
        return len(text.split())

    def format_prompt(self, request):
        return request.prompt

    def complete(self, request, *, cancel=None):
        return Completion(text=request.prompt[::-1], prompt_tokens=1)

    def stream(self, request, *, cancel=None):
        yield request.prompt[::-1]

    def complete_json(self, request, schema, *, cancel=None, on_text=None):
        return Completion(text="{}", data={})
'''

PROBE = """
import json, sys
from paperpal.errors import ConfigError
from paperpal.llm import get_backend
from paperpal.llm.base import Backend, Request
from paperpal.settings import load_settings
from paperpal.settings_fields import setting_fields

settings = load_settings({"llm.model": "m1"})
backend = get_backend(settings)
field = setting_fields()["llm.backend"]
try:
    load_settings({"llm.backend": "nope"})
    bad = ""
except ConfigError as exc:
    bad = exc.line
print(json.dumps({"name": backend.name, "model": backend.model, "protocol": isinstance(backend, Backend),
                  "small": backend.profile.small_model, "reply": backend.complete(Request("abc")).text,
                  "choices": list(field.choices), "kind": field.kind, "bad": bad}))
"""


def test_a_plug_in_backend_is_selectable_in_the_settings(tmp_path):
    site = tmp_path / "site"
    (site / "echo_backend").mkdir(parents=True)
    (site / "echo_backend" / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "echo_backend-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-backend\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[paperpal.backends]\necho = echo_backend:EchoBackend\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
           "PAPERPAL_BACKEND": "echo"}  # fmt: skip
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert (out["name"], out["model"], out["protocol"], out["small"]) == ("echo", "echo-m1", True, False)
    assert out["reply"] == "cba"
    assert out["kind"] == "choice" and out["choices"][0] == "auto" and {"local", "openai", "echo"} <= set(out["choices"])
    assert out["bad"].startswith("Invalid setting llm.backend:") and "unknown backend 'nope'" in out["bad"]
    assert "echo" in out["bad"]  # the message lists what is installed


def test_an_unknown_backend_is_one_clear_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "paperpal.cli", "ask", "what is LoRA?", "--backend", "nope"],
                         env={**os.environ, "PAPERPAL_HOME": str(tmp_path)}, capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("Error: Invalid setting llm.backend: ") and "choose one of: auto, local, openai" in run.stderr
    assert "Traceback" not in run.stderr
