"""The pieces behind a summary that streams into the app: partial JSON, the growing note, clean cuts, safe HTML."""

from __future__ import annotations

import json
from dataclasses import asdict

import jsonschema

from paperpal.export.html import markdown_html
from paperpal.export.markdown import note_markdown
from paperpal.llm.json_output import parse_partial_json
from paperpal.model import Paper
from paperpal.tasks.summary import cleaned_fields, note_schema, partial_note, trim_cut

REPLY = json.dumps(
    {
        "keywords": ["Transformer", "attention"],
        "one_sentence": 'It replaces recurrence with "self-attention" and reaches 28.4 BLEU.',
        "problem": "Recurrent models are slow to train.",
        "method": [{"aspect": "Encoder", "detail": "six identical layers"}, {"aspect": "Heads", "detail": "h = 8"}],
        "results": [{"aspect": "WMT 2014 EN-DE", "detail": "28.4 BLEU"}],
        "strengths": ["Parallel training."],
        "weaknesses": ["Quadratic cost in sequence length."],
    }
)


def test_every_prefix_of_a_reply_parses_to_what_has_arrived():
    previous: dict = {}
    for n in range(1, len(REPLY) + 1):
        data = parse_partial_json(REPLY[:n])
        assert data is not None or n < 2, f"prefix of {n} chars gave nothing: {REPLY[:n]!r}"
        data = data or {}
        # what has arrived never disappears: every complete field of the previous prefix is still there
        for key, value in previous.items():
            if isinstance(value, list) and value:
                assert len(data.get(key, [])) >= len(value) - 1, (n, key)
        previous = data
    assert parse_partial_json(REPLY) == json.loads(REPLY)


def test_partial_json_cuts_back_a_half_written_key_and_closes_strings():
    assert parse_partial_json('{"keywords": ["a", "b"], "one_sen') == {"keywords": ["a", "b"]}
    assert parse_partial_json('{"problem": "Recurrent mod') == {"problem": "Recurrent mod"}
    assert parse_partial_json('{"method": [{"aspect"') == {"method": [{}]}
    assert parse_partial_json('{"a": "x \\"q') == {"a": 'x "q'}
    assert parse_partial_json("no json yet") is None
    assert parse_partial_json("]") is None


def _paper() -> Paper:
    return Paper(id="abc123", path="/papers/attention.pdf", title="Attention Is All You Need", authors=["A. Vaswani"],
                 page_count=15)


def test_partial_note_shows_the_fields_written_so_far():
    half = REPLY[: REPLY.index('"results"')]
    note = partial_note(_paper(), "en", half)
    assert note.title == "Attention Is All You Need" and note.authors == ["A. Vaswani"]
    assert note.keywords == ["Transformer", "attention"]
    assert note.problem == "Recurrent models are slow to train."
    assert [a.aspect for a in note.method] == ["Encoder", "Heads"]
    assert note.results == [] and note.strengths == []
    text = note_markdown(note)  # the template renders a half-written note
    assert "six identical layers" in text and "Attention Is All You Need" in text


def test_text_cut_at_the_length_bound_ends_at_a_sentence_or_word():
    assert trim_cut("It is fast. It trains on eight GPUs in twelve hours and then it reac") == (
        "It is fast. It trains on eight GPUs in twelve hours and then it…"
    )
    assert trim_cut("One sentence here. Another full one that ends well. Third frag") == (
        "One sentence here. Another full one that ends well."
    )
    assert trim_cut("本文提出了一种新的网络结构，完全基于注意力机制，在翻译任务上取得了最好的结") == "本文提出了一种新的网络结构，完全基于注意力机制…"


def test_only_fields_that_reached_their_bound_are_trimmed():
    schema = note_schema(small_model=True, lang="en")
    limit = 300  # the small model's bound for `problem`
    long_problem = ("Recurrent models process tokens one after another " * 10)[: limit - 3] + " inc"
    data = json.loads(REPLY) | {"problem": long_problem}
    fields = cleaned_fields(data, schema)
    body = fields["problem"].removesuffix("...").removesuffix("…")
    assert body != fields["problem"], "a cut text ends with an ellipsis"
    assert long_problem.startswith(body) and long_problem[len(body)] == " ", "cut at a whole word"
    assert len(fields["problem"]) < len(long_problem)
    assert fields["one_sentence"] == json.loads(REPLY)["one_sentence"]  # short: untouched
    assert cleaned_fields(data)["problem"] == " ".join(long_problem.split())  # no schema: as written


def test_cleaned_fields_fit_the_schema_when_normalising_lengthens_them():
    """NFKC writes "…" as "...": a model text at its length bound that contains one must still fit its bound (a saved
    note's fields validate against the schema the model was held to)."""
    schema = note_schema(small_model=True, lang="en")
    data = json.loads(REPLY)
    limit = 160  # the small model's bound for a weakness
    item = schema["properties"]["weaknesses"]["items"]
    aspect = schema["properties"]["method"]["items"]
    data["weaknesses"] = [("Positions must be injected … see Table 2 for BLEU on WMT 2014 " * 4)[:limit]]
    data["method"][0]["detail"] = ("Sinusoids … learned embeddings ﬁt equally well in Table 3 " * 9)[:250]
    jsonschema.validate(data["weaknesses"][0], item)
    jsonschema.validate(data["method"][0], aspect)
    fields = cleaned_fields(data, schema)
    weakness, method = fields["weaknesses"][0], asdict(fields["method"][0])
    jsonschema.validate(weakness, item)
    jsonschema.validate(method, aspect)
    assert weakness.startswith("Positions must be injected ... see Table 2") and len(weakness) <= limit
    assert "learned embeddings fit equally" in method["detail"] and method["detail"].endswith(("…", "."))


def test_markdown_html_escapes_raw_html_but_keeps_the_provenance_line_small():
    out = markdown_html('A <script>alert(1)</script> **b**\n\n---\n<sub>PaperPal · `m` <img src=x></sub>')
    assert "<script>" not in out and "&lt;script&gt;" in out and "<strong>b</strong>" in out
    assert "<small>PaperPal · <code>m</code> &lt;img src=x&gt;</small>" in out
