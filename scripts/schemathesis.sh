#!/usr/bin/env bash
# Runs schemathesis (PyPI, in a project-local venv under target/) against the server's
# own OpenAPI document, on a fresh demo server on a free loopback port: once as the
# public and once signed in as the demo admin (cookie and CSRF token; sign-out is left
# out of that run, or it would end the session it runs in). Counts the server errors
# (5xx), and, as information, the answers that do not match the document (a status,
# content type or body it does not list). Not part of CI:
#
#   scripts/schemathesis.sh [MAX_EXAMPLES_PER_OPERATION]   # default 50
#
# Exits non-zero when a request got a server error; the reports are in
# target/schemathesis/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
examples="${1:-50}"
venv="$root/target/schemathesis-venv"
version="4.32.5"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==$version"
fi
cargo build --quiet -p gridline-server --bin gridline

out="$root/target/schemathesis"
rm -rf "$out"
mkdir -p "$out"
data="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Limits high enough that the run explores rather than hears 429.
GRIDLINE_DATA_DIR="$data" GRIDLINE_DIST_DIR="$data/dist" GRIDLINE_ADDR="127.0.0.1:$port" \
    GRIDLINE_FILINGS_PER_HOUR=1000000 GRIDLINE_UPLOADS_PER_HOUR=1000000 \
    GRIDLINE_LOG=warn "$root/target/debug/gridline" serve --demo >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done

password=$(awk '$1 == "admin" {print $2}' "$data/demo-logins.txt")
session=$(curl -fsS -c "$out/cookies" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/auth/login")
csrf=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf_token"])' "$session")
cookie=$(awk '$6 == "gridline_session" {print $6"="$7}' "$out/cookies")

status=0
run() {
    local name="$1"
    shift
    echo "== schemathesis: $name ($examples examples per operation)"
    "$venv/bin/schemathesis" run "$base/api/openapi.json" --url "$base" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$examples" --workers 2 --no-color \
        --report junit --report-dir "$out/$name" "$@" >"$out/$name.txt" 2>&1 || true
    local errors
    errors=$(grep -c '^- Server error' "$out/$name.txt" || true)
    echo "   operations with a server error: $errors"
    echo "   other failed checks (information):"
    grep -E '^- ' "$out/$name.txt" | grep -v '^- Server error' | sort | uniq -c | sed 's/^/     /' || true
    grep -E '(passed|failed).*$' "$out/$name.txt" | sed 's/^/   /' | head -5 || true
    [ "$errors" = 0 ] || status=1
}
run public
run admin -H "Cookie: $cookie" -H "x-csrf-token: $csrf" --exclude-path /api/v1/auth/logout
exit $status
