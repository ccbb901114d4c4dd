#!/usr/bin/env bash
# Builds the app (release) and the server, then starts Gridline with demo data on
# SQLite and local files under ./data. Prints the address. Ctrl-C stops it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh run
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"

echo "[run] building the apps (trunk build --release: resident, staff, field, station and statistics)"
bash scripts/build-app.sh
echo "[run] building the server"
cargo build --quiet --profile server -p gridline-server --bin gridline

export GRIDLINE_ADDR="${GRIDLINE_ADDR:-127.0.0.1:8080}"
export GRIDLINE_DATA_DIR="${GRIDLINE_DATA_DIR:-$root/data}"
export GRIDLINE_DIST_DIR="${GRIDLINE_DIST_DIR:-$root/dist}"
exec "$root/target/server/gridline" serve --demo
