#!/usr/bin/env bash
# Installs every Debian 12 package HireHub needs to build, run and test.
# Skips apt entirely when everything is already present, so a second run costs nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libcaf-dev libcaf-openssl0.17 libboost-dev libpqxx-dev librdkafka-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libjemalloc-dev libssl-dev libsodium-dev libgtest-dev libgmock-dev libhowardhinnant-date-dev tzdata libcurl4-openssl-dev
  postgresql postgresql-contrib
  libre2-dev libpoppler-cpp-dev libzip-dev libpugixml-dev libhnswlib-dev libcairo2-dev fonts-nanum
  clang libclang-rt-14-dev
  curl procps clang-format python3 python3-icalendar python3-aiosmtpd
  chromium
)
# npm (for the browser test's playwright-core): Debian's, unless the machine already has
# Node.js with npm from elsewhere (NodeSource bundles npm; Debian's npm would conflict).
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
