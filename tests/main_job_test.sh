#!/usr/bin/env bash
# The README's main job as `scripts/run.sh --once` runs it once its setup and build steps are
# done: `simsel run` with the embedded default (conf/local.toml: broker and worker threads in one
# process, SQLite under data/) on examples/tp-3249.toml. Runs in a scratch directory, so data/
# lands there and not in the source tree. Checks the selection against the exact steady-state
# optimum (REFERENCE.md 1.2) and that the SQLite file holds the ended job.
# usage: main_job_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
out=$("$build/tools/simsel" --config "$src/conf/local.toml" run --json "$src/examples/tp-3249.toml")
python3 - "$out" <<'PY'
import json, sqlite3, sys
result = json.loads(sys.argv[1])
assert result["state"] == "succeeded", result
p = result["best"]["params"]
line = (p["r1"], p["r2"], p["r3"], p["b2"], p["b3"])
# The six best flow lines by exact throughput, all within 0.006 of the optimum (delta is 0.1).
best = {(6, 7, 7, 12, 8), (7, 7, 6, 8, 12), (6, 7, 7, 13, 7), (7, 7, 6, 7, 13),
        (6, 7, 7, 11, 9), (7, 7, 6, 9, 11)}
assert line in best, f"selected {line}, not one of the best flow lines"
stored = sqlite3.connect("data/simsel.sqlite").execute(
    "select state from jobs where job_id = ?", (result["job_id"],)).fetchone()
assert stored == ("succeeded",), f"SQLite holds {stored} for job {result['job_id']}"
PY
echo "main job: ok"
