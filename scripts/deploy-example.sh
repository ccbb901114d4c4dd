#!/usr/bin/env bash
# The deployment of docs/deploy.md on one machine: PostgreSQL (scripts/postgres.sh),
# an S3 server (moto, scripts/s3.sh), two gridline processes and nginx in front
# (deploy/nginx.conf; Debian's nginx, installed if missing). Prints the proxy's address
# and runs until Ctrl-C. With --check it files a complaint with a photo through the
# proxy, reads it with its photo from each process, follows it live through the proxy
# while a unit accepts it, and stops.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
check=false
[ "${1:-}" = "--check" ] && check=true

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y nginx-light >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
pg_setup >/dev/null
# shellcheck source=scripts/s3.sh
source scripts/s3.sh
s3_setup >/dev/null
cargo build --quiet --profile server -p gridline-server --bin gridline
[ -f dist/index.html ] || bash scripts/build-app.sh

work="$(mktemp -d)"
database="gridline_example_$$"
bucket="gridline-example-$$"
pids=()
stop() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    kill "$S3_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    psql "$GRIDLINE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" 2>/dev/null || true
    rm -rf "$work"
}
trap stop EXIT

psql "$GRIDLINE_TEST_POSTGRES_URL" -qc "CREATE DATABASE $database"
curl -fsS -X PUT -o /dev/null "$GRIDLINE_TEST_S3_ENDPOINT/$bucket"
# What every process shares (deploy/gridline.env.example, with this machine's values).
export GRIDLINE_DATABASE_URL="${GRIDLINE_TEST_POSTGRES_URL%/*}/$database"
export GRIDLINE_MEDIA_URL="s3://$bucket/media"
export AWS_ENDPOINT_URL="$GRIDLINE_TEST_S3_ENDPOINT" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=gridline-example AWS_SECRET_ACCESS_KEY=gridline-example-secret
export GRIDLINE_TRUSTED_PROXIES=127.0.0.1 GRIDLINE_DIST_DIR="$root/dist" GRIDLINE_LOG=warn
port_a=18081 port_b=18082 port_proxy=18080
mkdir -p "$work/a" "$work/b"
GRIDLINE_DATA_DIR="$work/a" target/server/gridline seed-demo >"$work/logins.txt"
for instance in "a $port_a" "b $port_b"; do
    set -- $instance
    GRIDLINE_DATA_DIR="$work/$1" GRIDLINE_ADDR="127.0.0.1:$2" target/server/gridline serve \
        >"$work/$1.out" 2>"$work/$1.err" &
    pids+=("$!")
done
sed -e "s|\${WORK}|$work|g" -e "s|\${PORT_A}|$port_a|g" -e "s|\${PORT_B}|$port_b|g" \
    -e "s|\${PORT_PROXY}|$port_proxy|g" deploy/nginx.conf >"$work/nginx.conf"
for port in $port_a $port_b; do
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.1; done
done
"$nginx_bin" -c "$work/nginx.conf" -e "$work/nginx-error.log"
base="http://127.0.0.1:$port_proxy"
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break; sleep 0.1; done

if ! $check; then
    echo "Gridline: two processes behind nginx at $base/ (Ctrl-C stops everything)"
    sed -n '2,$p' "$work/logins.txt"
    wait
    exit 0
fi

password() { awk -v u="$1" '$1 == u { print $2 }' "$work/logins.txt"; }
device="deploy-example-phone-01"
photo=$(curl -fsS -X POST --data-binary @server/tests/fixtures/photo.jpg \
    -H "x-device-secret: $device" "$base/api/v1/media" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
code=$(curl -fsS -X POST -H 'content-type: application/json' "$base/api/v1/tickets" -d "{
    \"client_id\": \"deploy-example-1\", \"matter_code\": \"0201\", \"description\": \"路灯不亮\",
    \"region_code\": \"D01-S01-C01-G02\", \"contact_phone\": \"13812345678\",
    \"device_secret\": \"$device\", \"media\": [\"$photo\"]}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["tracking_code"])')
# Each process has it, with its photo (from the bucket, not its own disk).
for port in $port_a $port_b; do
    curl -fsS -o /dev/null -H "x-device-secret: $device" \
        "http://127.0.0.1:$port/api/v1/tickets/$code/media/$photo"
done
# Follow it live through the proxy while the unit accepts it.
curl -sN --max-time 5 "$base/api/v1/tickets/$code/events" >"$work/events.txt" &
listener=$!
sleep 1
jar="$work/cookies"
csrf=$(curl -fsS -c "$jar" -H 'content-type: application/json' "$base/api/v1/auth/login" \
    -d "{\"username\": \"handler\", \"password\": \"$(password handler)\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
curl -fsS -o /dev/null -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    "$base/api/v1/tickets/$code/actions" -d '{"action": "accept"}'
wait "$listener" || true
grep -q "event: changed" "$work/events.txt" || { echo "FAILED: no live update through the proxy"; exit 1; }
echo "ok: complaint $code with its photo filed, read and followed live through nginx"
