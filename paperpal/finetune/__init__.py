"""Fine-tuning the bundled summary model: data (``dataset``, ``prepare``), LoRA training (``train``, needs the
``train`` extra), export to a GGUF LoRA for llama.cpp (``gguf_lora``) and evaluation (``evaluate``).

Only ``train`` imports torch/transformers/peft, lazily: the base install never needs them.
"""
