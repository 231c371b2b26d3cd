#!/usr/bin/env bash
# simsel-mon against real processes: simsel-broker and simsel-node on ipc endpoints, a small
# normal job; simsel-mon's JSON lines name the job, its replications never go down, and the
# last line has the final state and the right best system; it follows a job across a broker
# kill -9 to the job's undisturbed answer. Then a broker that is not there: a bounded wait, exit
# code 3 and a clear message.
# usage: mon_end_to_end_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
source "$src/tests/processes_fixture.sh"
start_cluster

# A job long enough to be seen running for a second or two: KN on 100 normal systems with
# means 0, -0.01, -0.02, ...; system 0 is the best.
cat > "$work/job.toml" <<TOML
model = "normal"
procedure = "kn"
delta = 0.01
seed = 3
[systems]
generator = "configuration"
k = 100
means = "monotone"
delta = 0.01
variances = "equal"
TOML
id=$("$build/tools/simsel" --config "$work/cluster.toml" submit "$work/job.toml")
[[ $id =~ ^[0-9]+$ ]] || fail "submit printed '$id'"
start=$(date +%s.%N)
timeout 50 "$build/tools/mon/simsel-mon" --config "$work/cluster.toml" --job "$id" --until-done \
  > "$work/lines.jsonl" || fail "simsel-mon --until-done exited $?"
python3 - "$id" "$work/lines.jsonl" <<'PY' || fail "simsel-mon lines: $(head -c 2000 "$work/lines.jsonl")"
import json, sys
job_id, path = int(sys.argv[1]), sys.argv[2]
lines = [json.loads(line) for line in open(path)]
jobs = [l for l in lines if l["topic"] == f"job/{job_id}"]
assert jobs, "no line for the job"
assert all(l["job_id"] == job_id for l in jobs), "a line of another job"
assert any(l["topic"] == "cluster" for l in lines), "no cluster line (the snapshot has one)"
reps = [l["replications"] for l in jobs]
assert reps == sorted(reps), f"replications went down: {reps}"
seqs = [l["seq"] for l in lines]
assert seqs == sorted(seqs), f"seq went down: {seqs}"
last = jobs[-1]
assert last["state"] == "succeeded", last
assert last["best"]["index"] == 0, last
assert last["stage_fraction"] == 1 and last["stage_seconds_left"] == 0, last
assert "within 0.01 of the best" in last["guarantee"], last
for key in ("stage", "survivors", "systems", "replications_per_second", "procedure"):
    assert key in last, key
print(f"simsel-mon: {len(jobs)} job lines, replications {reps[0]} -> {reps[-1]}")
PY

# A broker kill -9 while simsel-mon follows a job: the new broker resumes the job, simsel-mon's
# subscription reconnects (seq keeps rising across restarts), and its last line is the job's
# final state with the answer of the same job undisturbed (KN on the 3,249-system flow line):
# the same system, mean to the last bit and outputs of it. (Its "replications" are the ones
# simulated, which a restart raises.)
printf 'model = "tp"\nprocedure = "kn"\nseed = 9\ncrn = true\ndelta = 0.1\n[systems]\ngenerator = "flowline"\nL = 20\n' > "$work/tp.toml"
simsel() { "$build/tools/simsel" --config "$work/cluster.toml" "$@"; }
best_of() { python3 -c 'import json,sys; b=json.load(sys.stdin)["best"]; print(b["index"], repr(b["mean"]), b["replications"])'; }
undisturbed=$(simsel watch "$(simsel submit "$work/tp.toml")" --json | best_of)
id2=$(simsel submit "$work/tp.toml")
timeout 60 "$build/tools/mon/simsel-mon" --config "$work/cluster.toml" --job "$id2" --until-done \
  > "$work/restart.jsonl" & mon=$!
for _ in $(seq 200); do
  python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(not (d["state"] == "running" and d["total_replications"] > 20000))' \
    <<<"$(simsel status "$id2" --json)" && break
  sleep 0.02
done
[[ $(simsel status "$id2" --json) == *'"state": "running"'* ]] || fail "job $id2 not running before the kill"
kill -9 "${pids[0]}"
sleep 0.5
start_broker
wait "$mon" || fail "simsel-mon across a broker restart exited $?"
last=$(grep "\"job/$id2\"" "$work/restart.jsonl" | tail -1)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["state"] == "succeeded", d; b=d["best"]; print(b["index"], repr(b["mean"]), b["replications"])' "$last" \
  > "$work/resumed.txt" || fail "simsel-mon's last line after the restart: $last"
[[ $(cat "$work/resumed.txt") == "$undisturbed" ]] || fail "resumed job: $(cat "$work/resumed.txt"); undisturbed: $undisturbed"

# --count bounds the output: the snapshot alone gives one job line and one cluster line.
lines=$(timeout 10 "$build/tools/mon/simsel-mon" --config "$work/cluster.toml" --count 2 | wc -l)
[[ $lines == 2 ]] || fail "--count 2 printed $lines lines"
# --topic cluster and --duration: only cluster lines, one showing the node's 2 slots, and it
# stops by itself.
timeout 10 "$build/tools/mon/simsel-mon" --config "$work/cluster.toml" --topic cluster --duration 1.5 \
  > "$work/cluster.jsonl" || fail "--duration exited $?"
python3 -c 'import json,sys; ls=[json.loads(l) for l in open(sys.argv[1])]; assert len(ls)>=2 and all(l["topic"]=="cluster" for l in ls) and ls[-1]["slots"]==2, ls' \
  "$work/cluster.jsonl" || fail "--topic cluster: $(cat "$work/cluster.jsonl")"

# An unknown job: exit 2, the broker's message.
if out=$("$build/tools/mon/simsel-mon" --config "$work/cluster.toml" --job 999 --count 1 2>&1); then
  fail "--job 999 succeeded"; else code=$?; fi
[[ $code == 2 && $out == *"no job 999"* ]] || fail "unknown job: exit $code, '$out'"

# No broker: a bounded wait, exit 3 and a message naming the endpoint.
before=$(date +%s%N)
if out=$("$build/tools/mon/simsel-mon" --timeout-ms 500 --broker "ipc://$work/nobody" --stats "ipc://$work/nobody-stats" 2>&1); then
  fail "simsel-mon against no broker succeeded"; else code=$?; fi
waited_ms=$(( ($(date +%s%N) - before) / 1000000 ))
[[ $code == 3 && $out == *"broker at ipc://$work/nobody did not answer within 500 ms"* ]] \
  || fail "unreachable broker: exit $code, '$out'"
(( waited_ms < 5000 )) || fail "unreachable broker: waited $waited_ms ms"
echo "mon end-to-end: ok"
