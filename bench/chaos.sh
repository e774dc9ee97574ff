#!/usr/bin/env bash
# Chaos under load on a local three-node cluster (./deploy/run.sh --nodes 3, its own
# state directory and ports): a node killed, a rolling restart, PostgreSQL restarted,
# the broker down. Prints, per scenario, the requests and their answers, and what was
# lost or duplicated (see bench/chaos.py).
#   bench/chaos.sh [--quick] [--scenarios kill9,rolling,postgres,broker] [--broker-down-s S]
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target hirehub hirehubctl
exec python3 bench/chaos.py "$@"
