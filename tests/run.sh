#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   0. the layout check (tests/layout_check.sh);
#   1. unit tests (no I/O);
#   2. the same unit tests under ASan + UBSan (separate build directory);
#   3. libFuzzer targets for the resume extractors and the masker, briefly;
#   4. integration tests against a real PostgreSQL server started here on a free
#      loopback port, the embedded Kafka broker and real hirehub processes.
# Everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The layout's rules (libpqxx in persistence/ only, no include backwards): a grep, first.
bash tests/layout_check.sh

./deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
if [[ ${HIREHUB_SKIP_SANITIZERS:-0} != 1 ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHIREHUB_SANITIZE=ON -DHIREHUB_UNIT_ONLY=ON >/dev/null
  cmake --build build-asan -j2 --target hirehub_unit_tests hirehub_resume_tests
fi

# libFuzzer targets for the extractors, the masker, the HTTP request path and the
# WebSocket frame handler (clang; a separate build).
if [[ ${HIREHUB_SKIP_FUZZ:-0} != 1 ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHIREHUB_FUZZ=ON >/dev/null
  cmake --build build-fuzz -j2
fi

# The console test drives Debian's chromium with playwright-core (pinned in tests/browser/package-lock.json).
if [[ ! -d tests/browser/node_modules/playwright-core ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

source deploy/services.sh
work=$(mktemp -d /tmp/hirehub-tests-XXXXXX)
chmod 755 "$work"
pg_port=$(hh_free_port)
cleanup() {
  hh_pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
run_suite() {
  local name=$1
  shift
  echo "== $name"
  if "$@" 2>&1 | tee "$work/$name.log" | grep -E '^\[  (PASSED|FAILED) |^\[  FAILED  \]|tests? from .* ran'; then :; fi
  local summary
  summary=$(grep -E '^\[==========\] [0-9]+ tests? from' "$work/$name.log" | tail -n 1 || true)
  local total fails
  total=$(echo "$summary" | grep -oE '[0-9]+ tests?' | head -n 1 | grep -oE '[0-9]+' || echo 0)
  # gtest names a failed test twice (when it ends and in the list at the end): count names once.
  fails=$({ grep -oE '^\[  FAILED  \] [A-Za-z_/]+\.[A-Za-z_/0-9]+' "$work/$name.log" || true; } | sort -u | wc -l)
  if [[ -z $total || $total -eq 0 ]]; then
    echo "!! $name ran no tests"
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + total - fails))
  failed=$((failed + fails))
  if ((fails > 0)); then
    grep -E -B5 -A25 '^\[ RUN      \]' "$work/$name.log" | grep -E -A25 'Failure|FAILED' | head -n 200 || true
  fi
}

run_suite unit build/tests/hirehub_unit_tests
run_suite actors build/tests/hirehub_actor_tests
run_suite api build/tests/hirehub_api_tests
run_suite resume build/tests/hirehub_resume_tests
grep -A7 '^resume corpus' "$work/resume.log" || true
if [[ ${HIREHUB_SKIP_SANITIZERS:-0} != 1 ]]; then
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite unit-asan-ubsan build-asan/tests/hirehub_unit_tests
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite resume-asan-ubsan build-asan/tests/hirehub_resume_tests
fi

# Each fuzz target runs for a bounded time on seeds made by the corpus
# generator; a crash, hang, leak of an unexpected exception or sanitizer report
# fails it (the input is kept in $work for the log).
run_fuzz() {
  local name=$1 seeds=$2
  echo "== fuzz-$name"
  mkdir -p "$work/fuzz-$name"
  if build-fuzz/tests/fuzz/hirehub_fuzz_"$name" -max_total_time="${HIREHUB_FUZZ_SECONDS:-30}" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/fuzz-$name-" "$work/fuzz-$name" "$seeds" \
    >"$work/fuzz-$name.log" 2>&1; then
    grep -E 'stat::number_of_executed_units|cov:' "$work/fuzz-$name.log" | tail -n 2
    passed=$((passed + 1))
  else
    echo "!! fuzz-$name failed"
    tail -n 60 "$work/fuzz-$name.log"
    failed=$((failed + 1))
  fi
}
if [[ ${HIREHUB_SKIP_FUZZ:-0} != 1 ]]; then
  mkdir -p "$work/seeds-files" "$work/seeds-text"
  for i in 1 2 3 4 5 6; do
    for f in pdf docx txt; do
      build/node/hirehub resume sample --seed "$i" --format "$f" >"$work/seeds-files/$i.$f"
    done
    cp "$work/seeds-files/$i.txt" "$work/seeds-text/$i.txt"
  done
  run_fuzz extract "$work/seeds-files"
  run_fuzz mask "$work/seeds-text"
  # The gateway's edges: HTTP requests and WebSocket client frames (seeds in tests/fuzz/seeds).
  run_fuzz http tests/fuzz/seeds/http
  run_fuzz ws tests/fuzz/seeds/ws
fi

hh_pg_start "$work/pg" "$pg_port" "$work/postgres.log"
export HIREHUB_TEST_PG_ADMIN_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
# The PostgreSQL restart test stops and starts this server.
export HIREHUB_TEST_PG_DATA="$work/pg" HIREHUB_TEST_PG_CTL="$(hh_pg_bin)/pg_ctl" HIREHUB_TEST_PG_PORT="$pg_port"
export HIREHUB_BIN="$root/build/node/hirehub"
run_suite persistence build/tests/hirehub_pg_tests
run_suite end-to-end build/tests/hirehub_e2e_tests
# ./deploy/run.sh itself, killed with SIGKILL and started again (its own state directory and ports).
run_suite deploy-restart python3 tests/deploy_restart.py

echo
echo "$passed passed, $failed failed"
((failed == 0))
