#!/usr/bin/env bash
# Configures and builds into build/ (Release, Ninja, ccache). Extra arguments go to cmake,
# e.g. scripts/build.sh -DSRS_WITH_GUI=OFF -DSRS_WITH_HDF5=OFF for a core + CLI build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# ccache keys on paths relative to the checkout, so every clone shares one cache.
export CCACHE_BASEDIR="$root"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$root/build" --parallel "$(nproc)"
