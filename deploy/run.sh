#!/usr/bin/env bash
# Installs what is missing, builds, and runs one HireHub node with its own
# PostgreSQL server and the embedded Kafka broker. State lives under var/.
# Ctrl-C stops everything this script started.
#
#   ./deploy/run.sh                          # run
#   ./deploy/run.sh --seed [--scale N] [--reset]
#                                            # run, then fill it with `hirehub seed`
#   ./deploy/run.sh --nodes 3                # a local cluster: three nodes on ports
#                                            # HIREHUB_HTTP_PORT, +1, +2 (one PostgreSQL, one broker)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seed=0
seed_args=()
nodes=1
while (($#)); do
  case $1 in
    --seed) seed=1 ;;
    --scale) seed_args+=(--scale "$2"); shift ;;
    --reset) seed_args+=(--reset) ;;
    --nodes)
      nodes=${2:-}
      [[ $nodes =~ ^[1-9][0-9]?$ ]] || { echo "--nodes takes a number from 1 to 99" >&2; exit 2; }
      shift ;;
    *) echo "usage: $0 [--nodes N] [--seed [--scale N] [--reset]]" >&2; exit 2 ;;
  esac
  shift
done

./deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target hirehub hirehubctl

source deploy/services.sh
mkdir -p var/run var/log
http_port=${HIREHUB_HTTP_PORT:-8080}
pg_port=${HIREHUB_PG_PORT:-55432}
bin=$root/build/gateway/hirehub

node_pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "stopping..."
  for pid in "${node_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do hh_stop_pid "$pid"; done
  hh_stop_pid "${HH_BROKER_PID:-}"
  hh_pg_stop "$root/var/pg"
  rm -f var/run/endpoints.env
}
trap cleanup INT TERM EXIT

# The nodes' token signing secret (auth.jwt_secret_file's default): random, made once per var/.
if [[ ! -s var/run/jwt.secret ]]; then
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 >var/run/jwt.secret)
fi

hh_pg_start var/pg "$pg_port" var/log/postgres.log
db_url="postgresql://hirehub@127.0.0.1:$pg_port/hirehub"
hh_broker_start "$bin" var/run/broker.addr var/log/broker.log
bootstrap=$(cat var/run/broker.addr)

config_args=()
[[ -f deploy/hirehub.toml ]] && config_args=(--config deploy/hirehub.toml)
urls=()
for ((i = 1; i <= nodes; i++)); do
  port=$((http_port + i - 1))
  log=${HIREHUB_LOG_FILE:-$root/var/log/hirehub.log}
  ((nodes > 1)) && log=$root/var/log/hirehub-$i.log
  node_id=${HIREHUB_NODE_ID:-}
  ((nodes > 1)) && node_id=node-$i
  HIREHUB_DB_URL=$db_url HIREHUB_KAFKA_BOOTSTRAP_SERVERS=$bootstrap HIREHUB_HTTP_PORT=$port \
    HIREHUB_NODE_ID=$node_id HIREHUB_LOG_FILE=$log "$bin" "${config_args[@]}" serve &
  node_pids+=($!)
  urls+=("http://127.0.0.1:$port")
done
for ((i = 0; i < nodes; i++)); do
  if ! hh_wait_ready "${urls[$i]}" 60 "${node_pids[$i]}"; then
    echo "HireHub node $((i + 1)) did not become ready; see var/log/" >&2
    exit 1
  fi
done
nodes_csv=$(IFS=,; echo "${urls[*]}")
cat >var/run/endpoints.env <<ENV
HIREHUB_HTTP=http://127.0.0.1:$http_port
HIREHUB_HTTP_NODES=$nodes_csv
HIREHUB_DB_URL=$db_url
HIREHUB_KAFKA_BOOTSTRAP=$bootstrap
ENV
for ((i = 1; i < nodes; i++)); do echo "HireHub node $((i + 1)) ready: ${urls[$i]}"; done
echo "HireHub ready: http://127.0.0.1:$http_port"
if ((seed)); then
  HIREHUB_DB_URL=$db_url HIREHUB_HTTP_PORT=$http_port \
    "$bin" "${config_args[@]}" seed --url "http://127.0.0.1:$http_port" "${seed_args[@]}" ||
    echo "seeding failed (the node keeps running)" >&2
fi
echo "Admin console: http://127.0.0.1:$http_port/admin (an admin account, or a token: $bin ${config_args[*]} token --role admin --sub \$(cat /proc/sys/kernel/random/uuid))"
echo "(endpoints in var/run/endpoints.env, logs in var/log/; hirehubctl: build/cluster/hirehubctl; Ctrl-C stops everything)"
wait -n "${node_pids[@]}"
