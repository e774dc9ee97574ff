#!/usr/bin/env bash
# The apply benchmark against a cluster on this one machine: starts PostgreSQL,
# the broker and N nodes (default 3), spreads the connections over them (each
# node forwards about (N-1)/N of the commands to the shard owner over the CAF
# middleman; the company's WebSocket on the first node gets the other nodes'
# frames), prints the same numbers as bench/apply_e2e.sh. On one 2-core box this
# measures the cost of the extra hop, not a speed-up.
#   bench/apply_cluster.sh [--nodes N] [--seconds N] [--connections N] [--jobs N]
set -euo pipefail
nodes=3
args=()
while (($#)); do
  case $1 in
    --nodes) nodes=$2; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
source "$(dirname "$0")/stack.sh" hirehub_bench_apply
for ((i = 1; i < nodes; i++)); do bench_add_node "$i"; done
# Wait until every node holds shards.
admin=$(build/node/hirehub token --sub "$(cat /proc/sys/kernel/random/uuid)" --role admin)
for _ in $(seq 1 100); do
  owners=$(curl -sf "http://127.0.0.1:$http_port/admin/api/shards" -H "Authorization: Bearer $admin" |
    python3 -c 'import json,sys; print(len({s["owner"] for s in json.load(sys.stdin)["items"] if s["owner"]}))')
  ((owners == nodes)) && break
  sleep 0.2
done
echo "cluster: $nodes nodes, shards held by $owners"
ports=$(IFS=,; echo "${node_ports[*]}")
build/bench/hirehub_bench_apply --ports "$ports" --db-url "$db_url" --kafka-bootstrap "$(cat "$work/broker.addr")" "${args[@]}"
