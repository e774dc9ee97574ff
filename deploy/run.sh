#!/usr/bin/env bash
# Installs what is missing, builds, and runs one HireHub node with its own
# PostgreSQL server and the embedded Kafka broker. State lives under var/
# (HIREHUB_VAR chooses another directory). Ctrl-C stops everything this script started.
#
#   ./deploy/run.sh                          # run
#   ./deploy/run.sh --seed [--scale N] [--reset]
#                                            # run, then fill it with `hirehub seed`
#   ./deploy/run.sh --nodes 3                # a local cluster: three nodes on ports
#                                            # HIREHUB_HTTP_PORT, +1, +2 (one PostgreSQL, one broker)
#   ./deploy/run.sh --nodes 3 --no-restart   # a node that dies stays dead (watch the failover alone)
#
# The script supervises what it started, the way a process supervisor would: a node
# or the broker that dies is started again after HIREHUB_RESTART_DELAY_S (2) seconds,
# the broker on the same port (HIREHUB_KAFKA_PORT, 59092), so the nodes find it again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seed=0
seed_args=()
nodes=1
restart=1
while (($#)); do
  case $1 in
    --seed) seed=1 ;;
    --scale) seed_args+=(--scale "$2"); shift ;;
    --reset) seed_args+=(--reset) ;;
    --no-restart) restart=0 ;;
    --nodes)
      nodes=${2:-}
      [[ $nodes =~ ^[1-9][0-9]?$ ]] || { echo "--nodes takes a number from 1 to 99" >&2; exit 2; }
      shift ;;
    *) echo "usage: $0 [--nodes N] [--no-restart] [--seed [--scale N] [--reset]]" >&2; exit 2 ;;
  esac
  shift
done

./deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target hirehub hirehubctl

source deploy/services.sh
var=${HIREHUB_VAR:-$root/var}
mkdir -p "$var/run" "$var/log"
var=$(cd "$var" && pwd)
http_port=${HIREHUB_HTTP_PORT:-8080}
pg_port=${HIREHUB_PG_PORT:-55432}
kafka_port=${HIREHUB_KAFKA_PORT:-59092}
delay=${HIREHUB_RESTART_DELAY_S:-2}
bin=$root/build/node/hirehub

node_pids=()
stopping=0
cleanup() {
  trap - INT TERM EXIT
  stopping=1
  echo "stopping..."
  for pid in "${node_pids[@]}"; do [[ $pid == 0 ]] || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do [[ $pid == 0 ]] || hh_stop_pid "$pid"; done
  hh_stop_pid "${HH_BROKER_PID:-}"
  hh_pg_stop "$var/pg"
  rm -f "$var/run/endpoints.env"
}
trap cleanup INT TERM EXIT

# The nodes' token signing secret: random, made once per state directory.
if [[ ! -s $var/run/jwt.secret ]]; then
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$var/run/jwt.secret")
fi

# The nodes prove to each other that they belong to the cluster (mutual TLS on the
# CAF port): a CA and a certificate per node, made once per state directory.
"$bin" cluster certs --out "$var/certs" --nodes "$nodes" >/dev/null

hh_pg_start "$var/pg" "$pg_port" "$var/log/postgres.log"
db_url="postgresql://hirehub@127.0.0.1:$pg_port/hirehub"
hh_broker_start "$bin" "$var/run/broker.addr" "$var/log/broker.log" "$kafka_port"
bootstrap=$(cat "$var/run/broker.addr")

config_args=()
[[ -f deploy/hirehub.toml ]] && config_args=(--config deploy/hirehub.toml)
urls=()
start_node() {  # start_node I: starts node I (1-based); sets node_pids[I-1]
  local i=$1 port log node_id
  port=$((http_port + i - 1))
  log=${HIREHUB_LOG_FILE:-$var/log/hirehub.log}
  ((nodes > 1)) && log=$var/log/hirehub-$i.log
  node_id=${HIREHUB_NODE_ID:-}
  ((nodes > 1)) && node_id=node-$i
  HIREHUB_DB_URL=$db_url HIREHUB_KAFKA_BOOTSTRAP_SERVERS=$bootstrap HIREHUB_HTTP_PORT=$port \
    HIREHUB_NODE_ID=$node_id HIREHUB_LOG_FILE=$log HIREHUB_AUTH_JWT_SECRET_FILE="$var/run/jwt.secret" \
    HIREHUB_CLUSTER_TLS_CERT="$var/certs/node-$i.pem" HIREHUB_CLUSTER_TLS_KEY="$var/certs/node-$i.key" \
    HIREHUB_CLUSTER_TLS_CA="$var/certs/ca.pem" \
    HIREHUB_RESUME_STORAGE_DIR="${HIREHUB_RESUME_STORAGE_DIR:-$var/resumes}" \
    "$bin" "${config_args[@]}" serve >>"$var/log/hirehub-$i.out" 2>&1 &
  node_pids[$((i - 1))]=$!
}
for ((i = 1; i <= nodes; i++)); do
  start_node "$i"
  urls+=("http://127.0.0.1:$((http_port + i - 1))")
done
# Every node must answer /ready once within 60 s; one that dies before it did stops the
# start (a configuration error); one that dies after is the supervision's below.
declare -a was_ready
start_deadline=$((SECONDS + 60))
while :; do
  waiting=0
  for ((i = 0; i < nodes; i++)); do
    [[ ${was_ready[$i]:-0} == 1 ]] && continue
    if curl -fsS "${urls[$i]}/ready" >/dev/null 2>&1; then
      was_ready[$i]=1
      continue
    fi
    waiting=1
    if ! kill -0 "${node_pids[$i]}" 2>/dev/null || ((SECONDS >= start_deadline)); then
      echo "HireHub node $((i + 1)) did not become ready; see $var/log/" >&2
      exit 1
    fi
  done
  ((waiting)) || break
  sleep 0.1
done
nodes_csv=$(IFS=,; echo "${urls[*]}")
cat >"$var/run/endpoints.env" <<ENV
HIREHUB_HTTP=http://127.0.0.1:$http_port
HIREHUB_HTTP_NODES=$nodes_csv
HIREHUB_DB_URL=$db_url
HIREHUB_KAFKA_BOOTSTRAP=$bootstrap
ENV
for ((i = 1; i < nodes; i++)); do echo "HireHub node $((i + 1)) ready: ${urls[$i]}"; done
echo "HireHub ready: http://127.0.0.1:$http_port"
if ((seed)); then
  HIREHUB_DB_URL=$db_url HIREHUB_HTTP_PORT=$http_port HIREHUB_AUTH_JWT_SECRET_FILE="$var/run/jwt.secret" \
    "$bin" "${config_args[@]}" seed --url "http://127.0.0.1:$http_port" "${seed_args[@]}" ||
    echo "seeding failed (the node keeps running)" >&2
fi
echo "Admin console: http://127.0.0.1:$http_port/admin (an admin account, or a token: HIREHUB_AUTH_JWT_SECRET_FILE=$var/run/jwt.secret $bin ${config_args[*]} token --role admin --sub \$(cat /proc/sys/kernel/random/uuid))"
echo "(endpoints in $var/run/endpoints.env, logs in $var/log/; hirehubctl: build/cluster/hirehubctl; Ctrl-C stops everything)"

# Supervision: whatever dies is started again after a short delay (the survivors keep
# serving meanwhile); with --no-restart a dead node stays dead, and the script ends
# when none is left.
while ((!stopping)); do
  sleep 1
  if ! kill -0 "${HH_BROKER_PID:-0}" 2>/dev/null; then
    wait "$HH_BROKER_PID" 2>/dev/null || true
    echo "the embedded broker exited; starting it again on port $kafka_port in ${delay}s (its log is lost; the outbox publishes again what was not confirmed)" >&2
    sleep "$delay"
    hh_broker_start "$bin" "$var/run/broker.addr" "$var/log/broker.log" "$kafka_port" ||
      echo "the broker did not start; trying again" >&2
  fi
  alive=0
  for ((i = 1; i <= nodes; i++)); do
    pid=${node_pids[$((i - 1))]}
    if kill -0 "$pid" 2>/dev/null; then
      alive=$((alive + 1))
      continue
    fi
    [[ $pid == 0 ]] && continue
    code=0
    wait "$pid" 2>/dev/null || code=$?
    if ((restart)); then
      echo "HireHub node $i exited (status $code); starting it again in ${delay}s" >&2
      sleep "$delay"
      start_node "$i"
      alive=$((alive + 1))
    else
      echo "HireHub node $i exited (status $code); not restarting it (--no-restart)" >&2
      node_pids[$((i - 1))]=0
    fi
  done
  ((alive > 0)) || { echo "no HireHub node is left" >&2; exit 1; }
done
