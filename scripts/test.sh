#!/usr/bin/env bash
# Runs every test: format, lints, unit and API tests on SQLite and PostgreSQL (media
# also on S3, a local moto server), browser
# tests in headless Chromium, the release build with its size budget, and end-to-end
# tests against the real server. Prints how long each stage took.
#
# With CI=true nothing is skipped: a missing PostgreSQL or Chromium fails the run.
# Locally, a PostgreSQL that cannot be started is skipped with a loud message.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
ci="${CI:-false}"
if [ "$ci" = "true" ]; then
    # A fresh clone never rebuilds incrementally; the incremental caches would only
    # take disk (about 1 GB here), and CI machines have run out of it.
    export CARGO_INCREMENTAL=0
fi

timings=()
stage() {
    local name="$1"
    shift
    echo
    echo "===== $name ====="
    local start=$SECONDS
    "$@"
    local took=$((SECONDS - start))
    timings+=("$(printf '%-28s %5ds' "$name" "$took")")
    echo "===== $name: ${took}s ====="
}

# Starts a service the tests need with `SETUP` from `scripts/SCRIPT`, which exports
# `VAR`. In CI it must start; locally its tests are skipped with a loud message.
service() {
    local name="$1" script="$2" setup="$3" var="$4"
    # shellcheck source=/dev/null
    source "$root/scripts/$script"
    if ! "$setup"; then
        if [ "$ci" = "true" ]; then
            echo "$name could not be started, and CI=true does not allow skipping it" >&2
            return 1
        fi
        unset "$var"
        echo "!!! $name could not be started: its tests will be SKIPPED (never in CI) !!!"
    fi
}

clippy() {
    cargo clippy --quiet -p gridline-core -p gridline-server --all-targets -- -D warnings
    # The app for wasm32 (core comes along as its dependency; core's own tests use
    # proptest, which is native-only), with the resident app's lazy pages.
    cargo clippy --quiet -p gridline-app --target wasm32-unknown-unknown --all-targets \
        --all-features -- -D warnings
}

native_tests() {
    # This also builds target/debug/gridline, which the CLI tests start.
    cargo test -p gridline-core -p gridline-server
}

browser_tests() {
    CHROMEDRIVER=/usr/bin/chromedriver cargo test -p gridline-app --target wasm32-unknown-unknown
}

release_build() {
    bash scripts/build-app.sh
    bash scripts/bundle-size.sh
}

server_build() {
    # The end-to-end tests run the binary that is deployed (`scripts/run.sh` builds the
    # same): optimised, without overflow checks, so hostile input is tried where an
    # unchecked sum would wrap instead of panicking (tests/e2e/hardening.test.mjs).
    cargo build --quiet --profile server -p gridline-server --bin gridline
}

e2e_tests() {
    GRIDLINE_BIN="$root/target/server/gridline" node --test --test-reporter=spec tests/e2e/
}

total_start=$SECONDS
stage "setup (tools)" bash scripts/setup.sh test
fmt_check() {
    cargo fmt --all -- --check
    # Included by both store backends, so not modules cargo fmt walks.
    rustfmt --edition 2024 --check server/src/store/shared_sql.rs server/src/*/*sql.rs
}

# In CI, what a finished stage built and no later stage reads is removed, so the run
# needs the disk of its largest stage rather than of all of them (a CI machine ran out).
ci_free() {
    if [ "$ci" = "true" ]; then
        rm -rf "$@"
        echo "freed: $* (target/ now $(du -sh target 2>/dev/null | cut -f1))"
    fi
}

stage "cargo fmt --check" fmt_check
stage "cargo clippy" clippy
stage "postgresql" service PostgreSQL postgres.sh pg_setup GRIDLINE_TEST_POSTGRES_URL
stage "s3 (moto)" service "the S3 server (moto)" s3.sh s3_setup GRIDLINE_TEST_S3_ENDPOINT
# The S3 server lives as long as this run.
trap '[ -n "${S3_PID:-}" ] && kill "$S3_PID" 2>/dev/null' EXIT
stage "unit + API tests" native_tests
ci_free target/debug/deps target/debug/build target/debug/.fingerprint
stage "browser tests (wasm)" browser_tests
ci_free target/wasm32-unknown-unknown/debug
stage "release build + size" release_build
ci_free target/wasm32-unknown-unknown/release
stage "server build (release)" server_build
stage "end-to-end (Chromium)" e2e_tests

echo
echo "===== stage times ====="
printf '%s\n' "${timings[@]}"
printf '%-28s %5ds\n' "total" "$((SECONDS - total_start))"
# CI machines have run out of disk before: keep an eye on what a run leaves behind.
echo "disk used by target/: $(du -sh target 2>/dev/null | cut -f1)"
echo "all stages passed"
