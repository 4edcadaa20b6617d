#!/usr/bin/env bash
# The main job on the demo model: install, build, fetch SmolLM2-135M, then evaluate its
# WikiText-2 perplexity (or the demo text when ../shared is absent).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-demo-model.sh"
model="$root/.cache/demo/SmolLM2-135M-Instruct.Q4_1.gguf"
text="$root/../shared/data/wikitext-2-raw-v1/test.txt"
[ -f "$text" ] || text="$root/.cache/demo/austen/persuasion.txt"
"$root/build/app/signround" info "$model"
"$root/build/app/signround" eval --model "$model" --text "$text" --seqlen 2048 --max-windows "${SRS_DEMO_WINDOWS:-8}"
