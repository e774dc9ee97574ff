#!/usr/bin/env bash
# Runs the job search benchmark: starts a private PostgreSQL, the embedded broker
# and one node, loads the jobs and drives searches with bench/job_search.cpp,
# prints the numbers, stops all.
#   bench/job_search.sh [--jobs N] [--connections N] [--seconds N]
source "$(dirname "$0")/stack.sh" hirehub_bench_search
build/bench/hirehub_bench_search --port "$http_port" --db-url "$db_url" "$@"
