#!/usr/bin/env bash
# Failover time: three nodes on one PostgreSQL and one broker; applications spread
# over all shards; then, per run, `kill -9` of one node and the time until an
# application whose shard it held answers again through a surviving node (the
# GET waits in the survivor's registry until the coordinator re-granted the shard
# and the map reached it). The killed node is restarted (a new member) and the
# shards rebalance before the next run. Prints every run and p50 / p99 / max.
#   bench/failover.sh [--runs N]
set -euo pipefail
runs=10
while (($#)); do
  case $1 in
    --runs) runs=$2; shift ;;
    *) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
  esac
  shift
done
source "$(dirname "$0")/stack.sh"
# stack.sh started node 0; two more on the same database and broker.
bench_add_node 1
bench_add_node 2
node_pids[0]=$node_pid
node_pid=""

bin=build/node/hirehub
admin=$($bin token --sub "$(cat /proc/sys/kernel/random/uuid)" --role admin)
company=$(cat /proc/sys/kernel/random/uuid)
ctok=$($bin token --sub "$company" --role company)
api=http://127.0.0.1:${node_ports[0]}
# Waits until the three live nodes hold 21-22 shards each.
balanced() {
  for _ in $(seq 1 100); do
    if curl -sf "$api/admin/api/shards" -H "Authorization: Bearer $admin" | python3 -c '
import collections, json, sys
owners = collections.Counter(s["owner"] for s in json.load(sys.stdin)["items"])
sys.exit(0 if None not in owners and len(owners) == 3 and all(21 <= n <= 22 for n in owners.values()) else 1)'; then
      return 0
    fi
    sleep 0.2
  done
  echo "the shards did not rebalance" >&2
  exit 1
}
balanced
job=$(curl -sf -XPOST "$api/api/v1/jobs" -H "Authorization: Bearer $ctok" -H 'Content-Type: application/json' \
  -d '{"title":"Failover bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
apps=()
for _ in $(seq 1 192); do
  seeker=$(cat /proc/sys/kernel/random/uuid) resume=$(cat /proc/sys/kernel/random/uuid)
  # An application names one of its applicant's resumes: rows for a user known from a token.
  psql "$db_url" -qc "INSERT INTO users (id, email, password_hash, user_type) VALUES ('$seeker', '$seeker@bench.test',
    '-', 'jobseeker'); INSERT INTO resumes (id, user_id, original_file_url, original_file_name, file_type, file_size,
    file_sha256, status) VALUES ('$resume', '$seeker', 'bench', 'cv.txt', 'txt', 1, repeat('0', 64), 'ready')"
  stok=$($bin token --sub "$seeker" --role jobseeker)
  apps+=("$(curl -sf -XPOST "$api/api/v1/applications" -H "Authorization: Bearer $stok" \
    -H 'Content-Type: application/json' -d "{\"job_id\":\"$job\",\"resume_id\":\"$resume\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
done
echo "3 nodes, 64 shards, ${#apps[@]} applications; $runs runs of kill -9"

# An application whose shard node $1 (its HTTP URL) holds now.
owned_by() {
  curl -sf "$api/admin/api/shards" -H "Authorization: Bearer $admin" >"$work/shards.json"
  curl -sf "$api/admin/api/nodes" -H "Authorization: Bearer $admin" >"$work/nodes.json"
  python3 - "$1" "$work/shards.json" "$work/nodes.json" "${apps[@]}" <<'PY'
import json, sys
url, shards, nodes, apps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
node = next(n["node_id"] for n in json.load(open(nodes))["items"] if n["http_url"] == url and n["status"] == "active")
owner = {s["shard"]: s["owner"] for s in json.load(open(shards))["items"]}
def shard_of(s):  # FNV-1a 64 modulo 64, as cluster/shard.cpp
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) % 2**64
    return h % 64
print(next(a for a in apps if owner.get(shard_of(a)) == node))
PY
}

times=()
for run in $(seq 1 "$runs"); do
  victim=$((1 + run % 2))  # nodes 1 and 2 in turn; node 0 serves the requests
  app=$(owned_by "http://127.0.0.1:${node_ports[$victim]}")
  t0=$(date +%s%N)
  kill -9 "${node_pids[$victim]}"
  wait "${node_pids[$victim]}" 2>/dev/null || true
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$api/api/v1/applications/$app" \
    -H "Authorization: Bearer $ctok") == 200 ]]; do :; done
  t1=$(date +%s%N)
  ms=$(((t1 - t0) / 1000000))
  times+=("$ms")
  echo "run $run: node $victim killed; its entity answered again after $ms ms"
  bench_add_node "$victim"
  balanced
done
printf '%s\n' "${times[@]}" | python3 -c '
import sys
v = sorted(int(x) for x in sys.stdin)
pick = lambda p: v[min(len(v) - 1, int(p * len(v)))]
print(f"failover (kill -9 -> answering again) ms over {len(v)} runs: p50 {pick(0.5)}, p99 {pick(0.99)}, max {v[-1]}")'
