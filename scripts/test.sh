#!/usr/bin/env bash
# Installs what is missing, builds (Release, warnings on) and runs every test with ctest; then a
# second build with clang, AddressSanitizer and UndefinedBehaviorSanitizer (build-sanitize) runs
# the unit and component tests again and each libFuzzer harness for SIMSEL_FUZZ_SECONDS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2 --timeout 600

cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DSIMSEL_SANITIZE=ON -DSIMSEL_FUZZ_SECONDS="${SIMSEL_FUZZ_SECONDS:-20}"
cmake --build build-sanitize -j2 --target simsel_tests fuzzers
ctest --test-dir build-sanitize --output-on-failure -j2 --timeout 600 -L 'unit|fuzz'
