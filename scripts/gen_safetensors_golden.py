#!/usr/bin/env python3
"""Writes tests/golden/safetensors/: a file of every dtype we read, written by the reference
`safetensors` + torch, and the same tensors converted to float32 by torch, so our decoder is
checked against the reference conversion bit for bit.

Run with the reference environment: /work/refvenv/bin/python scripts/gen_safetensors_golden.py
"""
import os

import torch
from safetensors.torch import save_file

out = os.path.join(os.path.dirname(__file__), "..", "tests", "golden", "safetensors")
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(7)

base = torch.randn(3, 5, generator=g) * 3
special = torch.tensor([0.0, -0.0, 1e-7, -6e-8, 65504.0, 70000.0, 448.0, -500.0, 1 / 3, 2.0**-20])
tensors = {
    "f32": base,
    "f16": base.to(torch.float16),
    "f16_special": special.to(torch.float16),
    "bf16": base.to(torch.bfloat16),
    "bf16_special": special.to(torch.bfloat16),
    "f8_e4m3": special.clamp(-448, 448).to(torch.float8_e4m3fn),
    "i32": torch.randint(-(2**31), 2**31 - 1, (4, 2), generator=g, dtype=torch.int32),
    "i8": torch.randint(-128, 127, (7,), generator=g, dtype=torch.int8),
    "u8": torch.randint(0, 255, (2, 3), generator=g, dtype=torch.uint8),
    "scalar": torch.tensor(2.5),
    "empty": torch.zeros(0, 4),
}
save_file(tensors, os.path.join(out, "mixed.safetensors"), metadata={"format": "pt", "source": "gen_safetensors_golden.py"})
save_file({k: v.to(torch.float32) for k, v in tensors.items()}, os.path.join(out, "mixed_as_f32.safetensors"))
print("wrote", out)
