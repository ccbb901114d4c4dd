#!/usr/bin/env bash
# Builds both apps with Trunk (release): the resident app into dist/ (served at /),
# then the staff app into dist/staff/ (served at /staff/). Trunk empties its dist
# folder first, so the order matters: the resident build would remove dist/staff/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The pinned tools scripts/setup.sh installed (Trunk never downloads its own).
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
trunk build --release
trunk build app/staff/index.html --release --dist dist/staff --public-url /staff/
