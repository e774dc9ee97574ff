#!/usr/bin/env bash
# The layout's rules that a grep can check (run by tests/run.sh before anything is built):
#  - libpqxx stays in persistence/: no other production folder names it;
#  - a folder includes only the folders below it:
#    runtime <- domain <- persistence <- actors, cluster <- gateway <- node;
#  - tools/ (test data generators) is not part of serving: only the node's development
#    commands (seed, resume sample) may include it.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

while IFS= read -r f; do
  echo "layout: libpqxx named outside persistence/: $f" >&2
  status=1
done < <(grep -rli "pqxx" runtime domain actors cluster gateway node tools --include='*.cpp' --include='*.hpp' \
           --include='*.in' --include=CMakeLists.txt | sort)

# folder -> the folders it must not include
declare -A forbidden=(
  [runtime]="domain persistence actors cluster gateway node tools"
  [domain]="persistence actors cluster gateway node tools"
  [persistence]="actors cluster gateway node tools"
  [actors]="cluster gateway node tools"
  [cluster]="gateway node tools"
  [gateway]="node tools"
  [tools]="persistence cluster gateway node"
)
for dir in "${!forbidden[@]}"; do
  for up in ${forbidden[$dir]}; do
    if hits=$(grep -rn "#include \"$up/" "$dir" --include='*.cpp' --include='*.hpp' --include='*.in'); then
      echo "layout: $dir/ includes $up/ (an arrow backwards):" >&2
      echo "$hits" >&2
      status=1
    fi
  done
done
if hits=$(grep -ln '#include "tools/' node/*.cpp node/*.hpp | grep -v -e '^node/seed.cpp$' -e '^node/resume_cli.cpp$'); then
  echo "layout: node/ includes tools/ outside its development commands:" >&2
  echo "$hits" >&2
  status=1
fi
exit $status
