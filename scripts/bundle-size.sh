#!/usr/bin/env bash
# Prints one app's release bundle sizes (raw and gzip -9) by kind and checks its budget.
# Usage: bundle-size.sh [DIST [BUDGET_KB]]; run after scripts/build-app.sh.
#   resident app: bundle-size.sh dist 200        (the shell budget of issue 2)
#   staff app:    bundle-size.sh dist/staff 400
set -euo pipefail
dist="${1:-dist}"
budget_kb="${2:-200}"
[ -f "$dist/index.html" ] || { echo "no $dist/index.html: run trunk build --release first" >&2; exit 1; }

total_raw=0
total_gz=0
echo "== $dist"
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
