#!/usr/bin/env bash
# Fuzzes the server's edges for a bounded time each (not part of CI: a benchmark-like
# run whose findings go into docs/measurements.md):
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   # default 300 s; all targets
#
# Targets (fuzz/fuzz_targets/): media (upload sniffers and strippers), open311 (Open311
# requests through the real router), field_sync (sync batches through the real router).
# Needs the nightly toolchain that is installed on these machines (it cannot be
# fetched) and cargo-fuzz, which this installs from crates.io when missing. Seeds are in
# fuzz/seeds/; the growing corpus (fuzz/corpus/) and any crash (fuzz/artifacts/) stay
# out of git. Exits non-zero when a target found a crash, a hang or a blow-up.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/fuzz"
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${1:-300}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(media open311 field_sync)

rustup toolchain list | grep -q '^nightly' || {
    echo "fuzz: no nightly toolchain here (cargo-fuzz needs one; it cannot be fetched)" >&2
    exit 1
}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

status=0
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    log="$root/target/fuzz-$target.log"
    mkdir -p "$root/target"
    echo "== $target: ${seconds}s"
    # -timeout: one input may take at most 5 s (a hang is a finding); -rss_limit_mb:
    # memory is bounded too. One worker: the machine has two cores.
    if cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 >"$log" 2>&1; then
        verdict="no crash"
    else
        verdict="FOUND A PROBLEM (see fuzz/artifacts/$target and $log)"
        status=1
    fi
    runs=$(grep -oE '#[0-9]+' "$log" | tail -1 || true)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
    echo "   $verdict; executions ${runs#\#}; ${cov}; corpus $(ls "corpus/$target" | wc -l) inputs"
done
exit $status
