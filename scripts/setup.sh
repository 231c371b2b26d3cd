#!/usr/bin/env bash
# Installs the Debian packages simsel builds and tests with (only what is missing).
# Run as root on Debian 12. Never downloads anything but Debian packages.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ninja-build
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libspdlog-dev catch2
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libboost-dev libsqlite3-dev
  prometheus-cpp-dev curl
  python3 python3-zmq python3-msgpack
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
