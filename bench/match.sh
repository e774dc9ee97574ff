#!/usr/bin/env bash
# Matching at the sizes of issue 22 (bench/match.cpp):
#   1. in memory: a new job against the pool, a new resume against every job, memory;
#   2. against a node (a private PostgreSQL, the embedded broker, one node): the pool and
#      the jobs are written, the node restarted so its match index loads them, then a new
#      job and a new resume are scored, stored and published, and the top-20 lists are
#      read through HTTP.
#   bench/match.sh [--candidates N] [--jobs N] [--connections N] [--seconds N]
# The relay polls the outbox every 10 ms here: the benchmark writes resume.processed
# itself, where the pipeline would wake the relay after its commit.
export HIREHUB_OUTBOX_IDLE_POLL_MS=10
source "$(dirname "$0")/stack.sh" hirehub_bench_match
build/bench/hirehub_bench_match --pure "$@"
build/bench/hirehub_bench_match --load --db-url "$db_url" "$@"
bench_restart_node
build/bench/hirehub_bench_match --measure --port "$http_port" --db-url "$db_url" "$@"
