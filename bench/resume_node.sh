#!/usr/bin/env bash
# Resumes per second through one node (upload -> five committed stages ->
# ready): starts a private PostgreSQL, the embedded broker and one node, drives
# bench/resume_node.cpp, prints the numbers, stops all.
#   bench/resume_node.sh [--resumes N] [--connections N] [--pages N]
source "$(dirname "$0")/stack.sh" hirehub_bench_resume_node
build/bench/hirehub_bench_resume_node --port "$http_port" --db-url "$db_url" "$@"
