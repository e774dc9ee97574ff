#!/usr/bin/env bash
# Runs the apply benchmark: starts a private PostgreSQL, the embedded broker and
# one node, drives it with bench/apply_e2e.cpp, prints the numbers, stops all.
# Then prints the CPU time the node and PostgreSQL spent per application (from
# /proc: steadier than throughput on a shared VM, so compare changes with it).
#   bench/apply_e2e.sh [--seconds N] [--connections N] [--jobs N]
source "$(dirname "$0")/stack.sh" hirehub_bench_apply
# utime + stime in clock ticks of the given processes (those still alive).
cpu_ticks() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/stat ]] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
pg_pids() { pgrep -x postgres || true; }
node0=$(cpu_ticks "$node_pid")
pg0=$(cpu_ticks $(pg_pids))
apps0=$(psql "$db_url" -Atc "SELECT count(*) FROM applications")
build/bench/hirehub_bench_apply --port "$http_port" --db-url "$db_url" --kafka-bootstrap "$(cat "$work/broker.addr")" "$@"
node1=$(cpu_ticks "$node_pid")
pg1=$(cpu_ticks $(pg_pids))
# Less the 40,000 rows the raw-ceiling and floor steps of apply_e2e.cpp insert themselves.
apps=$(($(psql "$db_url" -Atc "SELECT count(*) FROM applications") - apps0 - 40000))
hz=$(getconf CLK_TCK)
echo "CPU per application (${apps} submitted through the node): node $(( (node1 - node0) * 1000000 / hz / (apps > 0 ? apps : 1) )) us, PostgreSQL $(( (pg1 - pg0) * 1000000 / hz / (apps > 0 ? apps : 1) )) us (its server processes alive at the end; includes the setup COPY, not the connections of the raw ceiling and the floors)"
