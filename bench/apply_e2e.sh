#!/usr/bin/env bash
# Runs the apply benchmark: starts a private PostgreSQL, the embedded broker and
# one node, drives it with bench/apply_e2e.cpp, prints the numbers, stops all.
# Its last line splits the peak's CPU by process (the node, each PostgreSQL
# connection by its role, the broker, the load generator): steadier than
# throughput on a shared VM, so compare changes with it.
#   bench/apply_e2e.sh [--seconds N] [--connections N] [--jobs N]
source "$(dirname "$0")/stack.sh" hirehub_bench_apply
build/bench/hirehub_bench_apply --port "$http_port" --db-url "$db_url" --kafka-bootstrap "$(cat "$work/broker.addr")" \
  --node-pid "$node_pid" --broker-pid "${HH_BROKER_PID:-0}" "$@"
