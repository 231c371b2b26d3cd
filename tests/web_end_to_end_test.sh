#!/usr/bin/env bash
# End to end with real processes: simsel-broker, simsel-node and simsel-web (port 0, its port
# read from its first line of output), driven with curl: submit, job resource, SSE stream,
# result.csv, cancel, errors, metrics, static page; and a broker kill -9 under simsel-web mid-job.
# usage: web_end_to_end_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
source "$src/tests/processes_fixture.sh"

start_cluster
mkdir -p "$work/page"
echo '<!doctype html><title>simsel page</title>' > "$work/page/index.html"
"$build/frontend/simsel-web" --config "$work/cluster.toml" > "$work/web.out" & pids+=($!)
for _ in $(seq 100); do grep -q "listening on port" "$work/web.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$work/web.out")
[[ $port =~ ^[0-9]+$ ]] || fail "simsel-web did not print its port"
base="http://127.0.0.1:$port"
for _ in $(seq 100); do [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/healthz") == 200 ]] && break; sleep 0.1; done
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/healthz") == 200 ]] || fail "healthz never 200"

# KN on the 3,249-system flow line (L=20): long enough (about 2 s) to stream several updates
# after the stream opens, and to kill the broker in the middle of it below.
job='{"model":"tp","procedure":"kn","seed":9,"crn":true,"delta":0.1,"n0":20,"systems":{"generator":"flowline","L":20}}'
headers=$(curl -s -D - -o "$work/submit.json" -H 'Content-Type: application/json' -d "$job" "$base/api/jobs")
[[ $headers == *"HTTP/1.1 202"* ]] || fail "submit: $headers"
id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])' < "$work/submit.json")
[[ $headers == *"Location: /api/jobs/$id"* ]] || fail "no Location header: $headers"

# The stream of the job, until its final state (curl stops after 20 s at most).
curl -s -N --max-time 20 "$base/api/jobs/$id/events" > "$work/events.txt" &
stream=$!
for _ in $(seq 200); do grep -q '"state":"succeeded"' "$work/events.txt" && break; sleep 0.1; done
kill $stream 2>/dev/null || true
grep -q '^event: snapshot' "$work/events.txt" || fail "stream has no snapshot"
grep -q '"state":"succeeded"' "$work/events.txt" || fail "stream never showed the final state"
python3 - "$work/events.txt" <<'PY' || fail "event ids do not increase"
import sys
ids = [int(l[4:]) for l in open(sys.argv[1]) if l.startswith("id: ")]
assert len(ids) >= 2 and all(a < b for a, b in zip(ids, ids[1:])), ids
PY

curl -s "$base/api/jobs/$id" | grep -q '"best"' || fail "job resource has no best system"
csv=$(curl -s "$base/api/jobs/$id/result.csv")
[[ $(head -1 <<<"$csv") == "system,b2,b3,r1,r2,r3,replications,mean,stddev,selected" ]] || fail "csv header: $(head -1 <<<"$csv")"
[[ $(wc -l <<<"$csv") == 3250 ]] || fail "csv rows: $(wc -l <<<"$csv")"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$base/api/jobs/$id") == 409 ]] || fail "cancel of an ended job"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/jobs/$id/stop") == 409 ]] || fail "stop of an ended job"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/jobs/999/stop") == 404 ]] || fail "stop of an unknown job"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"weight": "high"}' "$base/api/jobs/$id/priority") == 400 ]] || fail "priority without a number"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"weight": 2}' "$base/api/jobs/$id/priority") == 409 ]] || fail "priority of an ended job"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -d '[1]' "$base/api/jobs/$id/extend") == 400 ]] || fail "extend with a bad body"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"budget": 99999}' "$base/api/jobs/$id/extend") == 409 ]] || fail "extend of an ended job"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/api/jobs/999") == 404 ]] || fail "unknown job"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X PATCH "$base/api/jobs") == 405 ]] || fail "wrong method"
bad=$(curl -s -d '{"model":"normal","procedure":"kn","n0":1,"systems":{"list":[]}}' "$base/api/jobs")
[[ $bad == *'"error"'*n0* ]] || fail "bad spec: $bad"
# A body over 1 KiB: curl sends Expect: 100-continue and, without the 100, would wait 10 s.
big=$(python3 -c 'import json; print(json.dumps({"model":"normal","procedure":"rinott","systems":{"list":[{"mu":i/10,"sigma":1} for i in range(60)]}}))')
(( ${#big} > 1024 )) || fail "the big job spec is not big"
code=$(curl -s -o /dev/null -w '%{http_code}' --expect100-timeout 10 --max-time 5 -H 'Content-Type: application/json' -d "$big" "$base/api/jobs") || true
[[ $code == 202 ]] || fail "POST with Expect: 100-continue: $code"
curl -s "$base/metrics" | grep -Eq 'simsel_jobs\{state="succeeded"\} [12]' || fail "metrics"
curl -s "$base/" | grep -q 'simsel page' || fail "static index"

# kill -9 of the broker under simsel-web while a job runs: a new broker resumes the job, the node
# reconnects, simsel-web resyncs by itself, and the job ends with the answer it had undisturbed
# (job $id ran the same spec undisturbed).
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps($1))"; }
undisturbed=$(curl -s "$base/api/jobs/$id" | field '[d["best"]["index"], d["best"]["mean"], d["total_replications"]]')
id2=$(curl -s -H 'Content-Type: application/json' -d "$job" "$base/api/jobs" | field 'd["job_id"]')
for _ in $(seq 400); do
  [[ $(curl -s "$base/api/jobs/$id2" | field 'd["state"] == "running" and d["total_replications"] > 20000') == true ]] && break
  sleep 0.01
done
[[ $(curl -s "$base/api/jobs/$id2" | field 'd["state"]') == '"running"' ]] || fail "job $id2 not running before the kill"
curl -s -N --max-time 30 "$base/api/jobs/$id2/events" > "$work/events2.txt" &
stream=$!
sleep 0.2
kill -9 "${pids[0]}"
sleep 0.5
start_broker
for _ in $(seq 300); do
  [[ $(curl -s "$base/api/jobs/$id2" | field 'd.get("state")' 2>/dev/null) == '"succeeded"' ]] && break
  sleep 0.1
done
resumed=$(curl -s "$base/api/jobs/$id2")
[[ $(field '[d["best"]["index"], d["best"]["mean"], d["total_replications"]]' <<<"$resumed") == "$undisturbed" ]] \
  || fail "resumed job: $resumed; undisturbed: $undisturbed"
[[ $resumed == *"resumed after a broker restart"* ]] || fail "no restart in the job's actions: $resumed"
[[ $(curl -s "$base/healthz") == *synced* ]] || fail "simsel-web not in sync after the restart"
# Its viewers were told: the broker lost, then back (events outside the stream's history).
for _ in $(seq 50); do grep -q '"state":"succeeded"' "$work/events2.txt" && break; sleep 0.1; done
kill $stream 2>/dev/null || true
python3 - "$work/events2.txt" <<'PY' || fail "the stream did not say the broker went and came back: $(grep -A1 'event: broker' "$work/events2.txt")"
import sys
text = open(sys.argv[1]).read()
lost = text.find('event: broker\ndata: {"state":"reconnecting"}')
back = text.find('event: broker\ndata: {"state":"synced"}', lost)
assert 0 <= lost < back, (lost, back)
assert text.rfind('"state":"succeeded"') > back  # and the job's updates went on after it
PY
echo "web end to end: ok"
