# Sourced by the benchmark scripts: builds the given targets, starts a private
# PostgreSQL, the embedded broker and one node (stopped on exit), and sets
# $db_url and $http_port.
#   source bench/stack.sh <cmake targets...>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target hirehub "$@"

source deploy/services.sh
work=$(mktemp -d /tmp/hirehub-bench-XXXXXX)
chmod 755 "$work"
pg_port=$(hh_free_port)
http_port=$(hh_free_port)
node_pid=""
node_ports=()  # bench_add_node: more nodes of the same cluster
node_pids=()
cleanup() {
  for pid in "${node_pids[@]}"; do hh_stop_pid "$pid"; done
  hh_stop_pid "$node_pid"
  hh_stop_pid "${HH_BROKER_PID:-}"
  hh_pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT
hh_pg_start "$work/pg" "$pg_port" "$work/postgres.log"
db_url="postgresql://hirehub@127.0.0.1:$pg_port/hirehub"
HIREHUB_BROKER_PARTITIONS=16 hh_broker_start build/node/hirehub "$work/broker.addr" "$work/broker.log"
# (Re)starts the node; bench_restart_node stops it first.
bench_start_node() {
  HIREHUB_DB_URL=$db_url HIREHUB_KAFKA_BOOTSTRAP_SERVERS=$(cat "$work/broker.addr") HIREHUB_HTTP_PORT=$http_port \
    HIREHUB_DEV=1 HIREHUB_LOG_LEVEL=warn HIREHUB_LOG_FILE="$work/node.log" build/node/hirehub serve >>"$work/node.out" 2>&1 &
  node_pid=$!
  hh_wait_ready "http://127.0.0.1:$http_port" 60 "$node_pid" || { cat "$work/node.out"; exit 1; }
}
bench_restart_node() {
  hh_stop_pid "$node_pid"
  bench_start_node
}
bench_start_node
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; everything on this box"
# Starts node number $1 (1, 2, ...) of the same cluster on a new port:
# ${node_ports[$1]} and ${node_pids[$1]} (index 0 is the first node).
bench_add_node() {
  local i=$1
  node_ports[$i]=$(hh_free_port)
  HIREHUB_DB_URL=$db_url HIREHUB_KAFKA_BOOTSTRAP_SERVERS=$(cat "$work/broker.addr") HIREHUB_HTTP_PORT=${node_ports[$i]} \
    HIREHUB_DEV=1 HIREHUB_LOG_LEVEL=warn HIREHUB_LOG_FILE="$work/node$i.log" build/node/hirehub serve >>"$work/node$i.out" 2>&1 &
  node_pids[$i]=$!
  hh_wait_ready "http://127.0.0.1:${node_ports[$i]}" 60 "${node_pids[$i]}" || { cat "$work/node$i.out"; exit 1; }
}
node_ports[0]=$http_port
