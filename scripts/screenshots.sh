#!/usr/bin/env bash
# Screenshots of the real SignRound Studio window for the README, under a virtual X server:
# the welcome page, the analyzed demo model (chart, plan table, budget panel) and an override.
# The demo project (DeltaLoss for W2A16, W4A16, W8A16 on the Austen text, 16 x 256) is computed
# once by the CLI and reused while the model and calibration are unchanged.
# usage: scripts/screenshots.sh [OUT_DIR]   (default docs/images)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/docs/images}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-demo-model.sh"
model="$root/.cache/demo/SmolLM2-135M-Instruct.Q4_1.gguf"
project="$root/.cache/demo/run/screenshots.h5"
mkdir -p "$(dirname "$project")"
"$root/build/app/signround" analyze --model "$model" --calib "$root/.cache/demo/austen" \
  --options W2A16,W4A16,W8A16 --project "$project" --quiet | tail -n 2
xvfb-run -a -s "-screen 0 1600x1000x24" "$root/build/app/studio-screenshots" "$out" "$project"
