#!/usr/bin/env bash
# Runs the RAG query benchmark: starts a private PostgreSQL, the embedded
# broker and one node, stores --chunks resume chunks (default 100,000),
# restarts the node so that it rebuilds its vector index from PostgreSQL, then
# drives /api/v1/rag/query and prints the numbers; stops all.
#   bench/rag_query.sh [--chunks N] [--connections N] [--seconds N]
source "$(dirname "$0")/stack.sh" hirehub_bench_rag
build/bench/hirehub_bench_rag --port "$http_port" --db-url "$db_url" --phase load "$@"
bench_restart_node
build/bench/hirehub_bench_rag --port "$http_port" --db-url "$db_url" --phase query "$@"
