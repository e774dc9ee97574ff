#!/usr/bin/env bash
# Runs the apply benchmark: starts a private PostgreSQL, the embedded broker and
# one node, drives it with bench/apply_e2e.cpp, prints the numbers, stops all.
#   bench/apply_e2e.sh [--seconds N] [--connections N] [--jobs N]
source "$(dirname "$0")/stack.sh" hirehub_bench_apply
build/bench/hirehub_bench_apply --port "$http_port" --db-url "$db_url" "$@"
