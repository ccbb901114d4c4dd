#!/usr/bin/env bash
# Trunk post-build hook: writes the app's base path (TRUNK_PUBLIC_URL), this build's id
# and the files to precache into the service worker in Trunk's staging folder
# (TRUNK_STAGING_DIR).
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
sw="$dir/sw.js"
[ -f "$sw" ] || { echo "sw-manifest: $sw missing" >&2; exit 1; }
base="${TRUNK_PUBLIC_URL:-/}"
case "$base" in /*/ | /) ;; *) echo "sw-manifest: public URL '$base' must be an absolute path ending in /" >&2; exit 1 ;; esac
cd "$dir"
files=$(find . -type f ! -name sw.js ! -name '*.map' | sed "s|^\./|$base|" | LC_ALL=C sort)
build=$(for f in $files; do sha256sum "./${f#"$base"}"; done | sha256sum | cut -c1-16)
list=$(printf '%s\n' $files | sed 's/.*/"&"/' | paste -sd, -)
sed -i \
    -e "s|^const BASE = .*;|const BASE = \"$base\";|" \
    -e "s|^const BUILD = .*;|const BUILD = \"$build\";|" \
    -e "s|^const SHELL = .*;|const SHELL = [$list];|" \
    sw.js
grep -q "const BUILD = \"$build\";" sw.js || { echo "sw-manifest: BUILD line not found in sw.js" >&2; exit 1; }
grep -q "const BASE = \"$base\";" sw.js || { echo "sw-manifest: BASE line not found in sw.js" >&2; exit 1; }
echo "sw-manifest: $base build $build, $(printf '%s\n' $files | wc -l) files to precache"
