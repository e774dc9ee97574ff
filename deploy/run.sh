#!/usr/bin/env bash
# Installs what is missing, builds, and runs one HireHub node with its own
# PostgreSQL server and the embedded Kafka broker. State lives under var/.
# Ctrl-C stops everything this script started.
#
#   ./deploy/run.sh                          # run
#   ./deploy/run.sh --seed [--scale N] [--reset]
#                                            # run, then fill it with `hirehub seed`
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seed=0
seed_args=()
while (($#)); do
  case $1 in
    --seed) seed=1 ;;
    --scale) seed_args+=(--scale "$2"); shift ;;
    --reset) seed_args+=(--reset) ;;
    *) echo "usage: $0 [--seed [--scale N] [--reset]]" >&2; exit 2 ;;
  esac
  shift
done

./deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target hirehub

source deploy/services.sh
mkdir -p var/run var/log
http_port=${HIREHUB_HTTP_PORT:-8080}
pg_port=${HIREHUB_PG_PORT:-55432}
bin=$root/build/gateway/hirehub

node_pid=""
cleanup() {
  trap - INT TERM EXIT
  echo "stopping..."
  hh_stop_pid "$node_pid"
  hh_stop_pid "${HH_BROKER_PID:-}"
  hh_pg_stop "$root/var/pg"
  rm -f var/run/endpoints.env
}
trap cleanup INT TERM EXIT

hh_pg_start var/pg "$pg_port" var/log/postgres.log
db_url="postgresql://hirehub@127.0.0.1:$pg_port/hirehub"
hh_broker_start "$bin" var/run/broker.addr var/log/broker.log
bootstrap=$(cat var/run/broker.addr)

config_args=()
[[ -f deploy/hirehub.toml ]] && config_args=(--config deploy/hirehub.toml)
HIREHUB_DB_URL=$db_url HIREHUB_KAFKA_BOOTSTRAP_SERVERS=$bootstrap HIREHUB_HTTP_PORT=$http_port \
  HIREHUB_LOG_FILE=${HIREHUB_LOG_FILE:-$root/var/log/hirehub.log} \
  "$bin" "${config_args[@]}" serve &
node_pid=$!

if ! hh_wait_ready "http://127.0.0.1:$http_port" 60 "$node_pid"; then
  echo "HireHub did not become ready; see var/log/hirehub.log" >&2
  exit 1
fi
cat >var/run/endpoints.env <<ENV
HIREHUB_HTTP=http://127.0.0.1:$http_port
HIREHUB_DB_URL=$db_url
HIREHUB_KAFKA_BOOTSTRAP=$bootstrap
ENV
echo "HireHub ready: http://127.0.0.1:$http_port"
if ((seed)); then
  HIREHUB_DB_URL=$db_url HIREHUB_HTTP_PORT=$http_port \
    "$bin" "${config_args[@]}" seed --url "http://127.0.0.1:$http_port" "${seed_args[@]}" ||
    echo "seeding failed (the node keeps running)" >&2
fi
echo "(endpoints in var/run/endpoints.env, logs in var/log/; Ctrl-C stops everything)"
wait "$node_pid"
