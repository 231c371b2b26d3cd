# Sourced by the end-to-end tests that run real processes: a scratch directory, fail(), and
# start_cluster, which starts simsel-broker and a simsel-node with 2 threads on ipc endpoints
# under $work (config: $work/cluster.toml), or start_broker and start_node one at a time. The
# config's [web] section is for a test that starts simsel-web with it (any free port, the page
# from $work/page). Every process started is killed on exit.
# Needs $build (the build directory) set by the sourcing script.
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start_broker() {
  cat > "$work/cluster.toml" <<TOML
[broker]
worker_endpoint = "ipc://$work/workers"
client_endpoint = "ipc://$work/clients"
stats_endpoint = "ipc://$work/stats"
data_dir = "$work/data"
heartbeat_ms = 200
publish_hz = 50
[node]
broker_endpoint = "ipc://$work/workers"
threads = 2
heartbeat_ms = 200
reconnect_min_ms = 100
[web]
port = 0
broker_client_endpoint = "ipc://$work/clients"
broker_stats_endpoint = "ipc://$work/stats"
static_dir = "$work/page"
[log]
level = "warn"
TOML
  "$build/broker/simsel-broker" --config "$work/cluster.toml" & pids+=($!)
}

start_node() {
  "$build/nodes/simsel-node" --config "$work/cluster.toml" & pids+=($!)
}

start_cluster() {
  start_broker
  start_node
}
