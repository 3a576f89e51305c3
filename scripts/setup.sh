#!/usr/bin/env bash
# Idempotent setup: system libraries for `canvas`, npm dependencies, and the compiled dist/.
# Safe to run on every `npm start` / `npm test`; does nothing when all is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="build-essential libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev pkg-config"

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
  echo "setup: installing system packages for canvas:$missing" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi

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
