#!/usr/bin/env bash
# The whole service on this machine: installs what is missing, builds, then starts a broker,
# a worker node and simsel-web from conf/local.toml and prints the page's URL. Ctrl-C stops all.
#   scripts/run.sh                  the service; open the URL it prints
#   scripts/run.sh JOB.toml         the service, and submit JOB.toml to it (prints its live view)
#   scripts/run.sh --once JOB.toml  no service: run one job to completion in this process
#                                   (embedded broker and worker threads), print the result, exit
# Logs of the service go to data/log/ (broker.data_dir).
set -euo pipefail
cd "$(dirname "$0")/.."
config=conf/local.toml
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2

if [ "${1:-}" = "--once" ]; then
  exec ./build/tools/simsel --config "$config" run "${2:-examples/tp-3249.toml}"
fi

# The [web] section of the config says where the page is served.
read -r address port < <(python3 - "$config" <<'PY'
import sys, tomllib
web = tomllib.load(open(sys.argv[1], "rb")).get("web", {})
print(web.get("listen_address", "127.0.0.1"), web.get("port", 8080))
PY
)
[ "$address" = "0.0.0.0" ] && host=127.0.0.1 || host=$address
[[ $host == *:* ]] && host="[$host]"
url="http://$host:$port/"

mkdir -p data/log
pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 0' INT TERM
./build/broker/simsel-broker --config "$config" >>data/log/broker.log 2>&1 & pids+=($!)
./build/nodes/simsel-node --config "$config" >>data/log/node.log 2>&1 & pids+=($!)
./build/frontend/simsel-web --config "$config" >>data/log/web.log 2>&1 & pids+=($!)

# Ready when the page's server holds the broker's state (bounded: 30 s).
for _ in $(seq 1 150); do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run: a process stopped; see data/log/*.log:" >&2; tail -n 5 data/log/*.log >&2; exit 1; }
  done
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "healthz", timeout=1)' "$url" 2>/dev/null && break
  sleep 0.2
done
echo "simsel is running: open $url  (logs in data/log/, Ctrl-C stops it)"
if [ $# -ge 1 ]; then
  id=$(./build/tools/simsel --config "$config" submit "$1")
  echo "job $id submitted: ${url}#/jobs/$id"
fi
wait -n "${pids[@]}" || true
echo "run: a process stopped; see data/log/*.log" >&2
