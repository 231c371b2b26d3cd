#!/usr/bin/env bash
# Installs the Debian packages simsel builds and tests with (only what is missing), then the
# web page's npm packages (frontend/web, `npm ci` from its lock file, only when node_modules
# is missing or older than the lock file). Run as root on Debian 12. Downloads nothing but
# Debian packages and the npm packages the lock file pins.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(
  build-essential cmake pkg-config ninja-build
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libspdlog-dev catch2
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libboost-dev libsqlite3-dev
  prometheus-cpp-dev curl
  python3 python3-zmq python3-msgpack
  chromium
  clang libclang-rt-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm by command: a nodejs that bundles npm (and conflicts with Debian's npm) will do.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The page's packages (uPlot; playwright-core for the browser test). The stamp holds the
# lock file's checksum, so a changed lock file reinstalls.
web=frontend/web
stamp=$web/node_modules/.simsel-lock-sha256
lock_sum=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "setup: npm ci in $web"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi
