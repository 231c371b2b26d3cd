#!/usr/bin/env bash
# Users' own models end to end, with real processes: simsel-broker, simsel-node processes whose
# configs offer model processes (Python: mm1, tp_py, the misbehaving test model; C: normal_c)
# and a plugin (normal_plugin). Shows: a Python model runs and gives the same answer on 1 and 3
# nodes; tp_py (Python) gives the built-in tp's answer bit for bit; normal_c and normal_plugin
# agree; a job on a model no node offers waits, saying so, and runs when a node offering it
# joins; every way a model can misbehave fails its job with a message naming the model and what
# it did, or keeps the model from being offered, and the broker keeps serving.
# usage: external_models_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
source "$src/tests/processes_fixture.sh"
python=/usr/bin/python3
start_broker
simsel() { "$build/tools/simsel" --config "$work/cluster.toml" "$@"; }

# A node config: the cluster's, plus [[node.models]] tables.
model_table() {  # name, then the command's words
  local name=$1; shift
  local words=""
  for w in "$@"; do words+="${words:+, }\"$w\""; done
  printf '[[node.models]]\nname = "%s"\ncommand = [%s]\n' "$name" "$words"
}
misbehaving() { model_table "misbehaving_$1" $python "$src/tests/models/misbehaving_model.py" "$1"; }
{
  cat "$work/cluster.toml"
  model_table mm1 $python "$src/examples/models/mm1_queue.py"
  model_table tp_py $python "$src/examples/models/tp_flowline.py"
  model_table normal_c "$build/examples/models/normal_model"
  printf '[[node.models]]\nname = "normal_plugin"\nplugin = "%s"\n' \
    "$build/examples/models/libsimsel_normal_plugin.so"
  misbehaving hang
  echo "timeout_s = 2"
  for b in crash garbage nan wrong_count string_output no_hello version; do misbehaving $b; done
  model_table nowhere /nonexistent/model
} > "$work/node.toml"
sed -i 's/^level = "warn"/level = "info"/' "$work/node.toml"
start_model_node() {  # config, log
  "$build/nodes/simsel-node" --config "$1" > "$2" 2>&1 & pids+=($!)
}
start_model_node "$work/node.toml" "$work/node1.log"

# A job document field by a Python expression on d.
field() { $python -c "import json,sys; d=json.load(sys.stdin); print($2)" <<<"$1"; }
run_job() {  # spec file: prints the final job document
  local id
  id=$(simsel submit "$1") || fail "submit $1: $id"
  simsel watch "$id" --json || true
}
expect_state() {  # document, state, what
  [[ $(field "$1" 'd["state"]') == "$2" ]] || fail "$3: expected $2, got $1"
}
answer() { field "$1" '(d["best"]["index"], repr(d["best"]["mean"]), d["total_replications"])'; }

# --- mm1 in Python: the best service rate near 3, the same answer on 1 and on 3 nodes.
one_node=$(run_job "$src/examples/mm1.toml")
expect_state "$one_node" succeeded "mm1 on one node"
mu=$(field "$one_node" 'd["best"]["params"]["mu"]')
$python -c "import sys; sys.exit(0 if 2.7 <= $mu <= 3.3 else 1)" || fail "mm1 selected mu = $mu"
[[ $(field "$one_node" 'd["maximize"]') == False ]] || fail "mm1 is smaller-is-better: $one_node"
start_model_node "$work/node.toml" "$work/node2.log"
start_model_node "$work/node.toml" "$work/node3.log"
workers() {
  "$build/tools/mon/simsel-mon" --config "$work/cluster.toml" --topic cluster --count 1 --json |
    $python -c 'import json,sys; print(len(json.loads(sys.stdin.readline())["workers"]))'
}
for _ in $(seq 100); do [[ $(workers) == 3 ]] && break; sleep 0.1; done
[[ $(workers) == 3 ]] || fail "the second and third nodes did not join"
three_nodes=$(run_job "$src/examples/mm1.toml")
expect_state "$three_nodes" succeeded "mm1 on three nodes"
[[ $(answer "$one_node") == "$(answer "$three_nodes")" ]] ||
  fail "mm1 on 1 and 3 nodes differ: $(answer "$one_node") vs $(answer "$three_nodes")"

# --- tp_py (Python, a grid with constraints) gives the built-in tp's flow line answer exactly.
tp_job() {  # model, then the [systems] lines
  printf 'model = "%s"\nprocedure = "kn"\ndelta = 0.2\nalpha = 0.05\nn0 = 10\nseed = 7\ncrn = true\n[systems]\n' "$1"
  shift
  printf '%s\n' "$@"
}
tp_job tp 'generator = "flowline"' 'L = 7' > "$work/tp.toml"
tp_job tp_py 'generator = "grid"' \
  'params = [{ name = "r1", min = 1, max = 5 }, { name = "r2", min = 1, max = 5 },' \
  '          { name = "r3", min = 1, max = 5 }, { name = "b2", min = 1, max = 6 },' \
  '          { name = "b3", min = 1, max = 6 }]' \
  'constraints = ["r1 + r2 + r3 == 7", "b2 + b3 == 7"]' > "$work/tp_py.toml"
builtin=$(run_job "$work/tp.toml")
python_port=$(run_job "$work/tp_py.toml")
expect_state "$builtin" succeeded "tp"
expect_state "$python_port" succeeded "tp_py"
[[ $(field "$builtin" 'd["systems"]') == 90 && $(field "$python_port" 'd["systems"]') == 90 ]] ||
  fail "L = 7 has 15 x 6 = 90 systems"
[[ $(answer "$builtin") == "$(answer "$python_port")" ]] ||
  fail "tp and tp_py differ: $(answer "$builtin") vs $(answer "$python_port")"
[[ $(field "$builtin" 'd["best"]["params"]') == $(field "$python_port" 'd["best"]["params"]') ]] ||
  fail "tp and tp_py select different parameters"

# --- The C model process and the plugin: the same numbers (one inverse normal, one generator).
for model in normal_c normal_plugin; do
  cat > "$work/$model.toml" <<TOML
model = "$model"
procedure = "kn"
delta = 0.5
seed = 11
[systems]
list = [{ mu = 0.0 }, { mu = 0.5, sigma = 2.0 }, { mu = 1.0 }, { mu = 0.2 }]
TOML
done
c_process=$(run_job "$work/normal_c.toml")
plugin=$(run_job "$work/normal_plugin.toml")
expect_state "$c_process" succeeded "normal_c"
expect_state "$plugin" succeeded "normal_plugin"
[[ $(field "$c_process" 'd["best"]["index"]') == 2 ]] || fail "normal_c: $c_process"
[[ $(answer "$c_process") == "$(answer "$plugin")" ]] ||
  fail "normal_c and normal_plugin differ: $(answer "$c_process") vs $(answer "$plugin")"

# --- Misbehaving models: each job fails, naming the model and what it did.
misbehaving_job() {  # behaviour: prints the job's error
  cat > "$work/$1.toml" <<TOML
model = "misbehaving_$1"
procedure = "kn"
delta = 0.5
n0 = 5
[systems]
list = [{ mu = 0.0 }, { mu = 1.0 }]
TOML
  local doc
  doc=$(run_job "$work/$1.toml")
  expect_state "$doc" failed "misbehaving_$1"
  field "$doc" 'd["error"]'
}
expect_error() {  # behaviour, text the error must hold
  local error
  error=$(misbehaving_job "$1")
  [[ $error == *"$2"* ]] || fail "misbehaving_$1: error '$error' lacks '$2'"
}
expect_error crash "boom: simulated crash"
expect_error crash "retries exhausted"
expect_error hang "did not answer RUN within 2 s"
expect_error garbage 'it wrote "this is not a frame\x0a") and was stopped'
expect_error nan "gave NaN for system 1, replication"
expect_error wrong_count "RESULT.outputs: 0 outputs for 1 replications"
expect_error string_output "RESULT.outputs[0]: not a number"

# Models that never got through HELLO are not offered: their jobs wait, saying why, and the
# node's log tells the operator what went wrong.
log_has() { grep -qF "$2" "$work/node1.log" || fail "node log lacks '$2' ($1)"; }
log_has no_hello "model 'misbehaving_no_hello' is not offered: model 'misbehaving_no_hello' ended during HELLO (exit status 0)"
log_has version "speaks model protocol 2, this node speaks 1"
log_has nowhere "model 'nowhere': cannot start \`/nonexistent/model\`: No such file or directory"
log_has crash "model misbehaving_crash ["
sed 's/misbehaving_crash/misbehaving_version/' "$work/crash.toml" > "$work/version.toml"
waiting_id=$(simsel submit "$work/version.toml")
sleep 0.3
waiting=$(simsel status "$waiting_id" --json || true)
expect_state "$waiting" queued "a job on a model no node offers"
[[ $(field "$waiting" 'd["waiting"]') == "waiting for a worker that offers model 'misbehaving_version'" ]] ||
  fail "waiting job: $waiting"
simsel cancel "$waiting_id" > /dev/null

# --- A job waits for its model, then runs when a node that offers it joins.
cat > "$work/error_model.toml" <<TOML
model = "misbehaving_error"
procedure = "kn"
delta = 0.5
seed = 3
[systems]
list = [{ mu = 0.0 }, { mu = 2.0 }]
TOML
late_id=$(simsel submit "$work/error_model.toml")
sleep 0.3
[[ $(simsel status "$late_id" --json | field "$(cat)" 'd.get("waiting")') == *"misbehaving_error"* ]] ||
  fail "job $late_id does not say it waits"
{ cat "$work/cluster.toml"; misbehaving error; } > "$work/late.toml"
start_model_node "$work/late.toml" "$work/late.log"
late=$(simsel watch "$late_id" --json || true)
expect_state "$late" succeeded "the job that waited for its model"
[[ $(field "$late" 'd["best"]["index"]') == 1 ]] || fail "late job: $late"
# The same model refusing a system: the job fails with the model's own words.
sed -i 's/mu = 0.0/mu = -1.0/' "$work/error_model.toml"
refused=$(run_job "$work/error_model.toml")
expect_state "$refused" failed "a system the model refuses"
[[ $(field "$refused" 'd["error"]') == *"answered ERROR"*"mu must be positive"* ]] ||
  fail "refused system: $refused"

# A spec that does not fit the model's schema is refused at submit, with the field named.
printf 'model = "mm1"\nprocedure = "kn"\ndelta = 0.1\n[systems]\nlist = [{ mu = 2.0 }, { mu = -1.0 }]\n' > "$work/bad.toml"
if out=$(simsel submit "$work/bad.toml" 2>&1); then fail "a bad mm1 system was accepted"; fi
[[ $out == *"systems.list[1].mu: must be > 0"* ]] || fail "bad mm1 system: $out"

# After all of that the broker still serves everyone.
again=$(run_job "$src/examples/normal-sc.toml")
expect_state "$again" succeeded "a built-in job after the misbehaving ones"
echo "external models end-to-end: ok"
