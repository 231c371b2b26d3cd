#!/usr/bin/env bash
# The page in a real browser: simsel-broker, simsel-node and simsel-web (serving
# frontend/web) as processes; headless chromium driven by playwright-core submits a job through
# the form and follows the live view to the selected system (frontend/web/e2e/). On the page's
# requests this script restarts simsel-web while the job waits (the page must reconnect), then
# starts the node, then kill -9s the broker mid-job and starts it again (the page must say so
# and the resumed job end as it would have). Leaves a screenshot of the live view at BUILD_DIR/web-page-live-view.png.
# usage: web_page_browser_test.sh BUILD_DIR SOURCE_DIR SIMSEL_WEB
set -euo pipefail
build=$1
src=$2
simsel_web=$3
source "$src/tests/processes_fixture.sh"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing: run scripts/setup.sh"
[ -d "$src/frontend/web/node_modules/playwright-core" ] || fail "frontend/web/node_modules is missing: run scripts/setup.sh (npm ci)"
start_broker  # the node comes when the page asks for it (see submit_and_watch.mjs)
# The node also offers a user's model: the C model process of examples/models.
printf '[[node.models]]\nname = "normal_c"\ncommand = ["%s"]\n' "$build/examples/models/normal_model" >> "$work/cluster.toml"
start_web() {  # [PORT]: simsel-web on PORT, or any free port
  "$simsel_web" --listen 127.0.0.1 --port "${1:-0}" --broker "ipc://$work/clients" \
    --stats "ipc://$work/stats" --static-dir "$src/frontend/web" > "$work/web.out" 2>&1 & pids+=($!)
  web_pid=$!
}
start_web
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^simsel-web listening on port \([0-9]*\)$/\1/p' "$work/web.out")
  [ -n "$port" ] && break
  kill -0 "$web_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || fail "simsel-web did not say its port: $(cat "$work/web.out")"

# Wait (bounded) for the page to ask for something; fail if the browser check ended first.
await_request() {
  for _ in $(seq 1 600); do
    [ -e "$work/control/$1" ] && return 0
    kill -0 "$browser_pid" 2>/dev/null || { wait "$browser_pid"; fail "browser check ended before asking for $1"; }
    sleep 0.1
  done
  fail "the page never asked for $1"
}
mkdir -p "$work/control"
timeout 100 node "$src/frontend/web/e2e/submit_and_watch.mjs" "http://127.0.0.1:$port" \
  "$build/web-page-live-view.png" "$work/control" & browser_pid=$!
await_request restart-web
kill "$web_pid"
wait "$web_pid" || true
start_web "$port"
await_request start-node
start_node
await_request restart-broker
kill -9 "${pids[0]}"
sleep 4  # longer than simsel-web's resync_after_ms (3 s): it notices the broker is gone
start_broker
wait "$browser_pid" || fail "browser check failed (simsel-web: $(tail -n 5 "$work/web.out"))"
