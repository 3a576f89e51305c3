#!/usr/bin/env bash
# Idempotent setup: system libraries for `canvas`, npm dependencies, and the compiled dist/;
# with --for-tests also every system package a test needs (what `npm test` runs). Safe to run on
# every `npm start` / `npm test`; does nothing when all is in place.
#
#   scripts/setup.sh                   what `npm start` and the benchmarks need
#   scripts/setup.sh --for-tests       … and what the test suite needs (`npm test`, .ci/run)
#   scripts/setup.sh --list [--for-tests]   print the Debian packages it would ensure, one a line; change nothing
set -euo pipefail
cd "$(dirname "$0")/.."

FOR_TESTS=0
LIST=0
for arg in "$@"; do
  case "$arg" in
    --for-tests) FOR_TESTS=1 ;;
    --list) LIST=1 ;;
    *) echo "usage: $0 [--for-tests] [--list]" >&2; exit 2 ;;
  esac
done

APT_PACKAGES="build-essential libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev pkg-config"
# What tests need beyond that (test/setup.test.ts checks that every tool a test calls is here):
#   python3-pandas, r-base-core   test/effects-readers.test.ts reads effects.csv in pandas and R
#   mount                         test/disk.test.ts, test/calibrate-run.test.ts mount small tmpfs disks
#   Slurm and munge               test/slurm.test.ts (scripts/slurm-local.sh install: its own list)
TEST_APT_PACKAGES="python3-pandas r-base-core mount"
if [ "$FOR_TESTS" = 1 ]; then APT_PACKAGES="$APT_PACKAGES $TEST_APT_PACKAGES"; fi

if [ "$LIST" = 1 ]; then
  for p in $APT_PACKAGES; do echo "$p"; done
  if [ "$FOR_TESTS" = 1 ]; then bash scripts/slurm-local.sh packages; fi
  exit 0
fi

canvas_ok() { node -e "require('canvas')" >/dev/null 2>&1; }

missing_apt() {
  local missing=""
  for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}

missing=$(missing_apt)
if [ -n "$missing" ]; then
  echo "setup: installing system packages:$missing" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi

# A real single-node Slurm for test/slurm.test.ts (the test starts and stops the daemons itself).
if [ "$FOR_TESTS" = 1 ]; then bash scripts/slurm-local.sh install; fi

# npm dependencies: install when absent or when the lock file changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || ! canvas_ok; then
  echo "setup: installing npm dependencies (canvas builds from source; about a minute)" >&2
  npm ci --no-audit --no-fund --ignore-scripts >&2
  npm rebuild canvas --no-audit --no-fund >&2
  canvas_ok || { echo "setup: canvas failed to build; see the npm output above" >&2; exit 1; }
fi

# Compile TypeScript when any source is newer than the build stamp.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find engine agents runners reports bench index.ts tsconfig.json package.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "setup: compiling TypeScript" >&2
  npx --no-install tsc -p tsconfig.json >&2
  node dist/runners/model/write-json-schema.js >&2
  node dist/runners/sweep/write-experiment-schema.js >&2
  touch "$stamp"
fi
