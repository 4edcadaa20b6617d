#!/usr/bin/env bash
# Installs what is needed, builds, fetches the demo model and runs every test.
# Exits non-zero if anything fails. This is what CI runs (.ci/run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-demo-model.sh"
ctest --test-dir "$root/build" --output-on-failure --parallel "$(nproc)" --timeout 1200
