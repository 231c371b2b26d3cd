#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the embedded default:
# a broker and local worker threads in one process, SQLite under data/ (conf/local.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
exec ./build/tools/simsel run --config conf/local.toml "${1:-examples/tp-3249.toml}"
