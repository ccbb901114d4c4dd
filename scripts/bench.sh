#!/usr/bin/env bash
# Benchmarks (figures go to docs/measurements.md). Not part of the test command: they
# measure, they do not pass or fail.
#   reference: grid lookup, routing and deadlines at a large city's scale
#   bundle:    both apps' release bundle sizes (needs scripts/build-app.sh first)
#   sync:      a grid worker's 200 findings with ~200 KB photos, loopback and 1.6 Mbps
#              (needs scripts/build-app.sh and the debug server binary; several minutes)
#   stats:     the evaluation figures over 1,000,000 tickets on SQLite and PostgreSQL
#              (PostgreSQL started by scripts/postgres.sh; several minutes)
#   intake:    filing throughput, 1 and 2 processes on PostgreSQL, SQLite beside a bare
#              axum + SQLite floor (scripts/bench-intake.sh; wrk from Debian)
#   live:      5,000 (or $2) open event streams on one process, PostgreSQL then SQLite:
#              idle database work, memory per stream, change-to-last-stream latency
#   lighthouse: Lighthouse 12 (mobile, slow 4G, 4x CPU) on each app's first page, the
#              release build (needs scripts/build-app.sh and the server binary; npm
#              installs the pinned Lighthouse into .bench-tools/ once)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
what="${1:-reference}"
case "$what" in
    # The server profile (opt-level 3): the release profile is tuned for wasm size.
    reference) cargo run --quiet --profile server -p gridline-core --example bench_reference ;;
    bundle) bash scripts/bundle-size.sh ;;
    stats)
        # shellcheck source=scripts/postgres.sh
        source scripts/postgres.sh
        pg_setup || echo "PostgreSQL could not be started: SQLite only"
        cargo run --quiet --profile server -p gridline-server --example bench_stats ;;
    intake) bash scripts/bench-intake.sh ;;
    live)
        # shellcheck source=scripts/postgres.sh
        source scripts/postgres.sh
        pg_setup || echo "PostgreSQL could not be started: SQLite only"
        cargo build --quiet --profile server -p gridline-server --bin gridline
        # Each stream is a socket on both ends.
        ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
        cargo run --quiet --profile server -p gridline-server --example bench_live -- "${2:-5000}" ;;
    lighthouse)
        if [ ! -x .bench-tools/node_modules/.bin/lighthouse ]; then
            mkdir -p .bench-tools
            npm install --no-save --no-audit --no-fund --loglevel=error --prefix .bench-tools lighthouse@12.8.2
        fi
        cargo build --quiet --profile server -p gridline-server --bin gridline
        GRIDLINE_BIN="$root/target/server/gridline" node tests/bench/lighthouse.mjs ;;
    sync) cargo build --quiet -p gridline-server --bin gridline && node tests/bench/sync.mjs "${2:-both}" ;;
    *) echo "usage: scripts/bench.sh [reference|bundle|stats|intake|live [STREAMS]|sync [loopback|throttled]|lighthouse]" >&2; exit 2 ;;
esac
