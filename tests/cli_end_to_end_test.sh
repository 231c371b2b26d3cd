#!/usr/bin/env bash
# End to end with real processes: simsel-broker and simsel-node on ipc endpoints, the simsel
# CLI (submit, watch, status, list, cancel, bad input) and the Python example client.
# usage: cli_end_to_end_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
source "$src/tests/processes_fixture.sh"
start_cluster
simsel() { "$build/tools/simsel" --config "$work/cluster.toml" "$@"; }

id=$(simsel submit "$src/examples/normal-sc.toml")
[[ $id =~ ^[0-9]+$ ]] || fail "submit printed '$id', not a job id"
result=$(simsel watch "$id" --json)
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["state"]=="succeeded", d; assert d["best"]["index"]==0, d; assert d["total_replications"]>0' <<<"$result" \
  || fail "watch --json: $result"
simsel status "$id" | grep -q "best system" || fail "status does not show the best system"
simsel list | grep -q "job $id succeeded" || fail "list does not show job $id"

# Cancelling an ended job is refused with a clear message and exit code 2.
if out=$(simsel cancel "$id" 2>&1); then fail "cancel of an ended job succeeded"; else code=$?; fi
[[ $code == 2 && $out == *"already ended"* ]] || fail "cancel: exit $code, '$out'"

# A bad job spec is refused with every problem named.
printf 'model = "normal"\nprocedure = "kn"\ndelta = -1\n[systems]\ngenerator = "configuration"\nk = 1\n' > "$work/bad.toml"
if out=$(simsel submit "$work/bad.toml" 2>&1); then fail "a bad spec was accepted"; else code=$?; fi
[[ $code == 2 && $out == *"delta: must be a number > 0"* ]] || fail "bad spec: exit $code, '$out'"

# A job cancelled while it runs.
id2=$(simsel submit "$src/examples/tp-3249.toml")
# Its status while it runs carries the live progress and exits 0: it has not failed.
out=$(simsel status "$id2" --json) || fail "status of a running job exited $?: $out"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["state"] in ("queued","running"), d; assert "stage" in d["progress"] and "survivors" in d["progress"], d' <<<"$out" \
  || fail "status --json of a running job: $out"
simsel cancel "$id2" | grep -q "cancelled" || fail "cancel of a running job"
if out=$(simsel status "$id2" --json); then fail "status of a cancelled job exited 0"; fi
[[ $out == *'"state": "cancelled"'* ]] || fail "cancelled job not cancelled: $out"

# A job paused, resumed and stopped while it runs: the stop's result is the current best, stated
# as an early stop, exit 0.
id3=$(simsel submit "$src/examples/tp-3249.toml")
for _ in $(seq 200); do  # a few outputs of every system in: something to select from
  python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["total_replications"] < 3 * 3249)' \
    <<<"$(simsel status "$id3" --json)" && break
  sleep 0.05
done
# Paused and resumed on the way: the status says so while paused.
[[ $(simsel pause "$id3") == "job $id3 paused" ]] || fail "pause"
[[ $(simsel status "$id3" --json) == *'"paused": true'* ]] || fail "status of a paused job"
if out=$(simsel pause "$id3" 2>&1); then fail "a second pause succeeded"; fi
[[ $out == *"is already paused"* ]] || fail "second pause: '$out'"
[[ $(simsel resume "$id3") == "job $id3 resumed" ]] || fail "resume"
[[ $(simsel priority "$id3" 3) == "job $id3 priority 3" ]] || fail "priority"
out=$(simsel status "$id3" --json); [[ $out == *'"priority": 3'* ]] || fail "status after priority: $out"
if out=$(simsel extend "$id3" --budget 100 2>&1); then fail "extend of a kn job succeeded"; fi
[[ $out == *"has no budget to extend"* ]] || fail "extend of a kn job: '$out'"
[[ $(simsel extend "$id3" --max-replications 100000000) == "job $id3 extended" ]] || fail "extend limit"
if out=$(simsel priority "$id3" 5000 2>&1); then fail "priority 5000 accepted"; fi
[[ $out == *"PRIORITY.weight: must be a number in [0.01, 1000]"* ]] || fail "priority 5000: '$out'"
out=$(simsel stop "$id3" 2>&1) || fail "stop of a running job exited $?: $out"
[[ $out == *"job $id3: stopped"* && $out == *"stopped early after "* && $out == *"best system"* ]] \
  || fail "stop of a running job: '$out'"
if out=$(simsel stop "$id3" 2>&1); then fail "a second stop succeeded"; fi
[[ $out == *"has already ended"* ]] || fail "second stop: '$out'"

# The Python client, written from docs/PROTOCOL.md.
python_out=$(/usr/bin/python3 "$src/tools/examples/submit_job.py" --broker "ipc://$work/clients" "$src/examples/sS.toml")
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["state"]=="succeeded", d; assert d["best"]["params"]=={"s":20,"S":53}, d' <<<"$python_out" \
  || fail "python client: $python_out"

# One broker per data directory: a second broker, or a `simsel run`, on the running broker's
# data directory is refused, naming the directory and the holder, and writes nothing.
jobs_before=$(simsel list --json)
if out=$("$build/broker/simsel-broker" --config "$work/cluster.toml" 2>&1); then fail "a second broker started"; fi
[[ $out == *"data directory $work/data is in use by process "*"(simsel-broker)"* ]] || fail "second broker: '$out'"
if out=$("$build/tools/simsel" --config "$work/cluster.toml" run "$src/examples/sS.toml" 2>&1); then fail "simsel run in a directory in use succeeded"; fi
[[ $out == *"data directory $work/data is in use by process "* ]] || fail "simsel run in a directory in use: '$out'"
[[ $(simsel list --json) == "$jobs_before" ]] || fail "a refused broker changed the jobs"

# A broker that is not there: a clear message and exit code 3.
if out=$("$build/tools/simsel" --timeout-ms 500 --broker "ipc://$work/nobody" status 1 2>&1); then fail "status against no broker succeeded"; else code=$?; fi
[[ $code == 3 && $out == *"did not answer"* ]] || fail "unreachable broker: exit $code, '$out'"
echo "cli end-to-end: ok"
