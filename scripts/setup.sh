#!/usr/bin/env bash
# Installs what Gridline needs to build (and, with `test`, to test), from the package
# registries only, and skips whatever is already there. Source it or run it:
#
#   scripts/setup.sh run    # wasm target, Trunk, wasm-bindgen-cli, wasm-opt (npm)
#   scripts/setup.sh test   # the same, plus Chromium + chromedriver (Debian) and moto
#                           # (PyPI, an S3 server for the media tests, in .venv-test)
#
# Where things go: the wasm target into rustup's toolchain; trunk and wasm-bindgen-cli
# into cargo's bin folder (~/.cargo/bin); binaryen's wasm-opt and playwright-core into
# ./node_modules (npm ci, from the committed package-lock.json); Chromium and
# chromedriver into /usr/bin (apt). Nothing is downloaded at build time: Trunk runs
# with offline = true.
set -euo pipefail

TRUNK_VERSION="0.21.14"
WASM_SPLIT_VERSION="0.2.4"
MOTO_VERSION="5.2.6"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-run}"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"

# Fast cargo installs: the tools do not need LTO.
cargo_install() {
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install --quiet "$@"
}

apt_updated=""
apt_install() {
    if [ -z "$apt_updated" ]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

# 2. Trunk, pinned (0.22 needs a newer rustc than this machine's).
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (several minutes, once)"
    cargo_install --locked trunk --version "$TRUNK_VERSION"
fi

# 3. wasm-bindgen-cli, exactly the wasm-bindgen in Cargo.lock.
lock_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$root/Cargo.lock")
[ -n "$lock_version" ] || die "no wasm-bindgen in Cargo.lock (run cargo generate-lockfile)"
trunk_pin=$(sed -n 's/^wasm_bindgen = "\(.*\)".*/\1/p' "$root/Trunk.toml")
if [ "$trunk_pin" != "$lock_version" ]; then
    die "Trunk.toml pins wasm_bindgen = \"$trunk_pin\" but Cargo.lock has wasm-bindgen $lock_version: make them equal (and the =version in Cargo.toml)"
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $lock_version" ]; then
    say "installing wasm-bindgen-cli $lock_version (several minutes, once)"
    # Not --locked: its lock file pins a crate version the registry no longer has.
    cargo_install wasm-bindgen-cli --version "=$lock_version"
fi

# 3b. wasm-split-cli, which splits the resident app's lazy pages off between Cargo and
# wasm-bindgen (scripts/tools/wasm-bindgen); pinned, as cargo-leptos 0.3 uses it.
if ! cargo install --list | grep -qxF "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (a few minutes, once)"
    cargo_install --locked wasm_split_cli_support --version "=$WASM_SPLIT_VERSION" --features build-binary
fi

# 4. npm packages (binaryen's wasm-opt; playwright-core for the end-to-end tests).
command -v npm >/dev/null || { say "installing Node.js and npm"; apt_install nodejs npm; }
stamp="$root/node_modules/.gridline-lock"
lock_sum=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
    say "installing npm packages from package-lock.json"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$stamp"
fi
wasm-opt --version | grep -q "version 132" || die "wasm-opt 132 expected from node_modules (npm binaryen)"

# 5. Chromium and chromedriver, for the browser tests.
if [ "$mode" = "test" ]; then
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
        say "installing Debian's chromium and chromium-driver"
        apt_install chromium chromium-driver
    fi
    # Chinese glyphs, so the large-text test measures real Chinese text, not boxes.
    if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
        say "installing Debian's fonts-noto-cjk"
        apt_install fonts-noto-cjk
    fi
    browser=$(chromium --version | grep -oE '[0-9]+' | head -n 1)
    driver=$(chromedriver --version | grep -oE '[0-9]+' | head -n 1)
    [ "$browser" = "$driver" ] || die "chromium $browser and chromedriver $driver differ"
fi
# 6. An S3-compatible server for the media tests (PyPI moto, pinned, in a project-local
# venv; scripts/s3.sh starts it).
if [ "$mode" = "test" ]; then
    venv="$root/.venv-test"
    if [ "$("$venv/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$MOTO_VERSION" ] \
        || [ ! -x "$venv/bin/moto_server" ]; then
        say "installing moto[server] $MOTO_VERSION into .venv-test"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
    fi
fi
say "tools ready"
