"""The local backend's speed beside a bare ``llama_cpp.Llama`` call on the same prompt.

    python bench/summarize_local.py [PDF]

The prompt is the paper's numbered sentences as an endpoint would read them, cut to 1,500 tokens, for PDF
(default: the attention paper from the shared corpus).  Two modes, each run by both implementations in a fresh
process (no prompt cache): ``plain`` (free text, 128 tokens) and ``json`` (a small statement schema, 256 tokens;
the backend's fast grammar sampler vs llama.cpp's own grammar sampling).  Greedy decoding, no repeat penalty, so both
produce the same tokens.  Prints prompt tokens, generated tokens, wall time and tokens/s
(generated tokens / wall time of the call), and the backend's speed as a share of bare llama.cpp
(target: within 10%).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_PDF = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "papers" / "attention-is-all-you-need.pdf"
PLAIN_TOKENS = 128
JSON_TOKENS = 256
PROMPT_TOKENS = 1500
SCHEMA = {
    "type": "object",
    "properties": {
        "aspect": {"type": "string", "maxLength": 60},
        "statements": {"type": "array", "items": {"type": "string", "maxLength": 200}, "minItems": 1, "maxItems": 3},
    },
    "required": ["aspect", "statements"],
    "additionalProperties": False,
}


def _request_and_backend(pdf: str):
    from paperpal.llm.base import Request
    from paperpal.llm.local_backend import LocalBackend
    from paperpal.pdf import parse_pdf
    from paperpal.settings import load_settings
    from paperpal.tasks.paper_text import numbered_text
    from paperpal.tasks.passages import PaperSentences

    backend = LocalBackend(load_settings({"llm.backend": "local"}))
    text = numbered_text(PaperSentences(parse_pdf(pdf)), PROMPT_TOKENS, backend.count_tokens)
    prompt = f"{text}\n\nThe paper's method, as JSON:\n"
    return Request(prompt=prompt, max_tokens=JSON_TOKENS, temperature=0.0, repeat_penalty=1.0), backend


def measure(impl: str, mode: str, pdf: str) -> dict:
    """One measurement in this process: returns the figures as a dict."""
    request, backend = _request_and_backend(pdf)
    schema = SCHEMA
    max_tokens = PLAIN_TOKENS if mode == "plain" else request.max_tokens
    request.max_tokens = max_tokens
    if impl == "backend":
        backend.count_tokens("warm up")  # loads the model outside the timed call, as bare does below
        start = time.perf_counter()
        result = backend.complete(request) if mode == "plain" else backend.complete_json(request, schema)
        wall = time.perf_counter() - start
        return {"prompt": result.prompt_tokens, "generated": result.completion_tokens, "wall": wall}
    import llama_cpp

    llm = llama_cpp.Llama(str(backend.model_path), n_ctx=backend.context_window, n_threads=os.cpu_count(),
                          n_gpu_layers=-1 if llama_cpp.llama_supports_gpu_offload() else 0, verbose=False, seed=0)
    grammar = None if mode == "plain" else llama_cpp.LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    start = time.perf_counter()
    out = llm.create_completion(backend.format_prompt(request), max_tokens=max_tokens, temperature=0.0,
                                repeat_penalty=1.0, grammar=grammar)
    wall = time.perf_counter() - start
    return {"prompt": out["usage"]["prompt_tokens"], "generated": out["usage"]["completion_tokens"], "wall": wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf", nargs="?", default=str(DEFAULT_PDF))
    ap.add_argument("--one", nargs=2, metavar=("IMPL", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one, args.pdf)))
        return
    if not Path(args.pdf).exists():
        sys.exit(f"Error: {args.pdf} not found (pass a PDF)")
    print(f"{'mode':<6}{'implementation':<22}{'prompt tok':>11}{'generated':>10}{'wall s':>9}{'tok/s':>8}")
    for mode in ("plain", "json"):
        speed = {}
        for impl, label in (("bare", "bare llama_cpp.Llama"), ("backend", "paperpal LocalBackend")):
            out = subprocess.run([sys.executable, __file__, args.pdf, "--one", impl, mode], capture_output=True, text=True)
            if out.returncode:
                sys.exit(f"Error: {impl}/{mode} failed: {out.stderr.strip().splitlines()[-1]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            speed[impl] = r["generated"] / r["wall"]
            print(f"{mode:<6}{label:<22}{r['prompt']:>11}{r['generated']:>10}{r['wall']:>9.2f}{speed[impl]:>8.1f}")
        print(f"{'':<6}backend / bare = {speed['backend'] / speed['bare']:.2f} (target >= 0.90)")


if __name__ == "__main__":
    main()
