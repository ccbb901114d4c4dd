#!/usr/bin/env bash
# Builds the six apps with Trunk (release): the resident app into dist/ (served at
# /), then the staff app into dist/staff/ (/staff/), the field app into dist/field/
# (/field/), the station app into dist/station/ (/station/), the statistics app
# into dist/stats/ (/stats/) and the hotline console into dist/hotline/ (/hotline/).
# Trunk empties its dist
# folder first, so the order matters: the resident build would remove the others.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The pinned tools scripts/setup.sh installed (Trunk never downloads its own), behind
# the wasm-bindgen wrapper that splits the resident app's lazy pages off
# (scripts/tools/wasm-bindgen).
export PATH="$root/scripts/tools:$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
trunk build --release
trunk build app/staff/index.html --release --dist dist/staff --public-url /staff/
trunk build app/field/index.html --release --dist dist/field --public-url /field/
trunk build app/station/index.html --release --dist dist/station --public-url /station/
trunk build app/stats/index.html --release --dist dist/stats --public-url /stats/
trunk build app/hotline/index.html --release --dist dist/hotline --public-url /hotline/
# Brotli and gzip copies of the assets, which the server sends to browsers that take them.
node scripts/precompress.mjs dist
