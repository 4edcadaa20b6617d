#!/usr/bin/env python3
"""Converts a GGUF to an HF folder (fp32 safetensors + config + tokenizer) with transformers'
own GGUF loader, so reference tools that need an HF folder (auto-round) see the very weights
`signround` reads from the GGUF.

usage: gguf_to_hf.py MODEL.gguf OUT_DIR
"""
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

gguf, out = sys.argv[1], sys.argv[2]
folder, name = os.path.split(os.path.abspath(gguf))
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32)
tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
# transformers marks GGUF-loaded models as quantized and refuses to save them; the weights
# are plain dequantized fp32 tensors, so save them directly.
from safetensors.torch import save_file
os.makedirs(out, exist_ok=True)
# The folder holds plain fp32 weights: drop the GGUF quantization marker.
if hasattr(model.config, "quantization_config"):
    del model.config.quantization_config
model.config.architectures = [type(model).__name__]
model.config.save_pretrained(out)
state = {k: v.contiguous() for k, v in model.state_dict().items()}
if model.config.tie_word_embeddings:
    state.pop("lm_head.weight", None)
save_file(state, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
tok.save_pretrained(out)
print("wrote", out)
