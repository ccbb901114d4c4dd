#!/usr/bin/env bash
# Benchmarks (figures go to docs/measurements.md). Not part of the test command: they
# measure, they do not pass or fail.
#   reference: grid lookup, routing and deadlines at a large city's scale
#   bundle:    both apps' release bundle sizes (needs scripts/build-app.sh first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
what="${1:-reference}"
case "$what" in
    # The server profile (opt-level 3): the release profile is tuned for wasm size.
    reference) cargo run --quiet --profile server -p gridline-core --example bench_reference ;;
    bundle) bash scripts/bundle-size.sh dist 200 && bash scripts/bundle-size.sh dist/staff 350 ;;
    *) echo "usage: scripts/bench.sh [reference|bundle]" >&2; exit 2 ;;
esac
