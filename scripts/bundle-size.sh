#!/usr/bin/env bash
# Prints the release bundle's sizes (raw and gzip -9) by kind and checks the budget.
# Run after `trunk build --release`. GRIDLINE_BUNDLE_BUDGET_KB overrides the budget.
set -euo pipefail
dist="${1:-dist}"
budget_kb="${GRIDLINE_BUNDLE_BUDGET_KB:-200}"
[ -f "$dist/index.html" ] || { echo "no $dist/index.html: run trunk build --release first" >&2; exit 1; }

total_raw=0
total_gz=0
printf '%-6s %10s %10s  %s\n' kind raw gzip files
for kind in wasm js css html; do
    raw=0
    gz=0
    files=""
    while IFS= read -r -d '' f; do
        raw=$((raw + $(stat -c%s "$f")))
        gz=$((gz + $(gzip -9c "$f" | wc -c)))
        files="$files $(basename "$f")"
    done < <(find "$dist" -maxdepth 1 -type f -name "*.$kind" -print0 | sort -z)
    printf '%-6s %10d %10d %s\n' "$kind" "$raw" "$gz" "$files"
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
done
printf '%-6s %10d %10d  (budget %d KB gzip)\n' total "$total_raw" "$total_gz" "$budget_kb"
if [ "$total_gz" -gt $((budget_kb * 1024)) ]; then
    echo "bundle over budget: $total_gz bytes gzip > $budget_kb KB" >&2
    exit 1
fi
