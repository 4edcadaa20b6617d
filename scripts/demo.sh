#!/usr/bin/env bash
# The main job on the demo model (SmolLM2-135M-Instruct): install, build, fetch, then
#   1. DeltaLoss sensitivity of every Linear for W4A16 and W8A16 on the Austen calibration text,
#   2. the best plan at 5.0 average bits (exact DP over the scores),
#   3. that plan applied by RTN and its WikiText-2 perplexity next to the unquantized model's.
# Results land in .cache/demo/run/. SRS_DEMO_WINDOWS sets the evaluation windows (default 4).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-demo-model.sh"
srs="$root/build/app/signround"
model="$root/.cache/demo/SmolLM2-135M-Instruct.Q4_1.gguf"
run="$root/.cache/demo/run"
mkdir -p "$run"
text="$root/../shared/data/wikitext-2-raw-v1/test.txt"
[ -f "$text" ] || text="$root/.cache/demo/austen/persuasion.txt"  # without ../shared: a novel held out of calibration
calib=$(ls "$root"/.cache/demo/austen/*.txt | grep -v persuasion | paste -sd, -)
windows="${SRS_DEMO_WINDOWS:-4}"

"$srs" info "$model"
"$srs" analyze --model "$model" --calib "$calib" --options W4A16,W8A16 --project "$run/demo.h5"
"$srs" allocate --project "$run/demo.h5" --avg-bits 5.0 --out "$run/plan-5.0.json" | tail -n 1
echo "== unquantized"
"$srs" eval --model "$model" --text "$text" --max-windows "$windows"
echo "== DeltaLoss plan at 5.0 bits (W4A16 / W8A16), RTN"
"$srs" quantize --method rtn --model "$model" --layer-config "$run/plan-5.0.json" --eval-text "$text" --max-windows "$windows"
