# Shared shell functions for deploy/run.sh, tests/run.sh and bench/: a private
# PostgreSQL server and the embedded Kafka broker on loopback. Source it.

hh_pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $d ]] || { echo "PostgreSQL server binaries not found (install postgresql)" >&2; return 1; }
  echo "$d"
}

# Runs a command as the postgres user when we are root (initdb refuses root).
hh_as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

hh_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# hh_pg_start DATA_DIR PORT LOG_FILE: initdb on first use, start, create role and database "hirehub".
hh_pg_start() {
  local data=$1 port=$2 log=$3 bin
  bin=$(hh_pg_bin) || return 1
  mkdir -p "$data" "$(dirname "$log")"
  data=$(cd "$data" && pwd)
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$data"
    touch "$log" && chown postgres:postgres "$log"
  fi
  if [[ ! -f $data/PG_VERSION ]]; then
    hh_as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
max_connections = 200
shared_buffers = 256MB
CONF
  fi
  # A server left running by an interrupted earlier run is stopped first.
  if hh_as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    hh_as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  hh_as_pg "$bin/pg_ctl" -D "$data" -o "-p $port" -l "$log" -w -t 60 start >/dev/null
  hh_as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc \
    "SELECT 1 FROM pg_roles WHERE rolname = 'hirehub'" | grep -q 1 ||
    hh_as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE ROLE hirehub LOGIN SUPERUSER"
  hh_as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname = 'hirehub'" | grep -q 1 ||
    hh_as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE hirehub OWNER hirehub"
}

hh_pg_stop() {
  local data=$1 bin
  bin=$(hh_pg_bin) || return 0
  [[ -f $data/postmaster.pid ]] && hh_as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# hh_broker_start HIREHUB_BIN ADDR_FILE LOG_FILE [PORT]: starts the embedded broker in the
# background (on PORT when given: a restarted broker keeps its address), waits for its
# address; sets HH_BROKER_PID.
hh_broker_start() {
  local bin=$1 addr=$2 log=$3 port=${4:-0}
  rm -f "$addr"
  "$bin" broker --bootstrap-file "$addr" --partitions "${HIREHUB_BROKER_PARTITIONS:-8}" --port "$port" >>"$log" 2>&1 &
  HH_BROKER_PID=$!
  for _ in $(seq 1 100); do
    [[ -s $addr ]] && return 0
    kill -0 "$HH_BROKER_PID" 2>/dev/null || { echo "the broker exited; see $log" >&2; return 1; }
    sleep 0.1
  done
  echo "the broker did not write $addr in time; see $log" >&2
  return 1
}

# hh_wait_ready URL SECONDS PID: waits for /ready to answer 200 while PID lives.
hh_wait_ready() {
  local url=$1 secs=$2 pid=$3
  for _ in $(seq 1 $((secs * 10))); do
    curl -fsS "$url/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# hh_stop_pid PID [SECONDS]: SIGTERM, then SIGKILL if it has not exited in time.
hh_stop_pid() {
  local pid=$1 secs=${2:-20}
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((secs * 10))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  echo "process $pid did not stop in ${secs}s; killing it" >&2
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
