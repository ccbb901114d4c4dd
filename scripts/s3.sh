#!/usr/bin/env bash
# Starts an S3-compatible server (moto, installed by `scripts/setup.sh test` into
# .venv-test) on a free loopback port for the media tests. Source it: it exports
# GRIDLINE_TEST_S3_ENDPOINT and S3_PID (the caller stops it). Returns non-zero (and
# says why) when it cannot be started.

s3_setup() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local moto="$root/.venv-test/bin/moto_server"
    [ -x "$moto" ] || { echo "moto is not installed (scripts/setup.sh test installs it)"; return 1; }
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$moto" -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/gridline-moto-$port.log" 2>&1 &
    S3_PID=$!
    export S3_PID
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null && break
        sleep 0.2
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null || {
        echo "moto did not come up on port $port"
        return 1
    }
    export GRIDLINE_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
    echo "moto (S3) is running on 127.0.0.1:$port"
}
