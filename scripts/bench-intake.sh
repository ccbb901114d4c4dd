#!/usr/bin/env bash
# Intake throughput (issue 16): POST /api/v1/tickets with complaint-sized JSON, a client
# id and a forwarded address of its own per request (tests/bench/intake.lua), driven by
# wrk (Debian's, installed if missing), against the deployed binary:
#   1. one process on PostgreSQL, then two processes on the same database at once (the
#      same 32 connections in all, half to each);
#   2. one process on the embedded SQLite, beside the floor: a bare axum handler that
#      inserts the same JSON into SQLite with the same settings (server/examples/bare_intake.rs).
# Prints requests per second and p50/p99 latency; figures go to docs/measurements.md.
# BENCH_SECONDS (20) and BENCH_CONNECTIONS (32) change the load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${BENCH_SECONDS:-20}"
connections="${BENCH_CONNECTIONS:-32}"

if ! command -v wrk >/dev/null; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y wrk >/dev/null
fi
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
pg_setup >/dev/null
cargo build --quiet --profile server -p gridline-server --bin gridline --example bare_intake
bin="$root/target/server/gridline"
bare="$root/target/server/examples/bare_intake"

work="$(mktemp -d)"
database="gridline_bench_intake_$$"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql "$GRIDLINE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Every resident is counted apart (their own forwarded address), as behind a proxy.
export GRIDLINE_TRUSTED_PROXIES=127.0.0.1 GRIDLINE_LOG=warn

until_up() {
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1" >&2
    exit 1
}

# serve PORT DATA_DIR DATABASE_URL: a gridline process in the background.
serve() {
    GRIDLINE_ADDR="127.0.0.1:$1" GRIDLINE_DATA_DIR="$2" GRIDLINE_DATABASE_URL="$3" \
        "$bin" serve >/dev/null &
    pids+=("$!")
    until_up "$1"
}

# CPU seconds used so far by the machine (busy, idle) and by gridline, PostgreSQL and
# wrk processes, one line: where the time goes during a run.
cpu() {
    python3 - <<'PY'
import os
tick = os.sysconf("SC_CLK_TCK")
fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
idle = fields[3] + fields[4]
busy = sum(fields) - idle
use = {"gridline": 0, "postgres": 0, "wrk": 0}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    rest = stat[stat.rindex(")") + 2:].split()
    for key in use:
        if name.startswith(key):
            use[key] += int(rest[11]) + int(rest[12])
print(busy / tick, idle / tick, *(v / tick for v in use.values()))
PY
}

# load PORT THREADS CONNECTIONS NAME: wrk's output in $work/NAME, the CPU in NAME.cpu.
load() {
    cpu >"$work/$4.cpu"
    BENCH_PREFIX="$4-$$" wrk -t"$2" -c"$3" -d"${seconds}s" --latency \
        -s tests/bench/intake.lua "http://127.0.0.1:$1" >"$work/$4.txt"
    cpu >>"$work/$4.cpu"
}

# figures NAME...: requests/s (summed) and each run's p50/p99 and failures.
figures() {
    python3 - "$work" "$@" <<'PY'
import re, sys
work, names = sys.argv[1], sys.argv[2:]
total, parts = 0.0, []
for name in names:
    text = open(f"{work}/{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    total += rps
    parts.append(f"p50 {p50} p99 {p99}" + (f" non-2xx {bad.group(1)}" if bad else "")
                 + (f" socket errors {errors.group(1)}" if errors else ""))
print(f"{'+'.join(names):<24} {total:>8.0f} req/s   " + " | ".join(parts))
before, after = ([float(x) for x in l.split()] for l in open(f"{work}/{names[0]}.cpu"))
d = [b - a for a, b in zip(before, after)]
busy, idle = d[0], d[1]
print(f"{'':<24} CPU: machine {100 * busy / (busy + idle):.0f}% busy; core-seconds "
      f"gridline {d[2]:.1f}, postgres {d[3]:.1f}, wrk {d[4]:.1f} of {busy + idle:.1f}")
PY
}

echo "intake: ${seconds}s per run, ${connections} connections, $(nproc) cores"
psql "$GRIDLINE_TEST_POSTGRES_URL" -qc "CREATE DATABASE $database"
pg_url="${GRIDLINE_TEST_POSTGRES_URL%/*}/$database"
mkdir -p "$work/a" "$work/b" "$work/sqlite" "$work/bare"
GRIDLINE_DATA_DIR="$work/a" GRIDLINE_DATABASE_URL="$pg_url" "$bin" seed-demo >/dev/null
serve 18601 "$work/a" "$pg_url"
load 18601 2 "$connections" postgres-1
figures postgres-1
serve 18602 "$work/b" "$pg_url"
half=$((connections / 2))
load 18601 1 "$half" postgres-2a &
other=$!
load 18602 1 "$half" postgres-2b
wait "$other"
figures postgres-2a postgres-2b

GRIDLINE_DATA_DIR="$work/sqlite" GRIDLINE_DATABASE_URL="" "$bin" seed-demo >/dev/null
serve 18603 "$work/sqlite" ""
load 18603 2 "$connections" sqlite
figures sqlite
"$bare" "$work/bare" 18604 >/dev/null &
pids+=("$!")
sleep 1
load 18604 2 "$connections" bare-sqlite
figures bare-sqlite
