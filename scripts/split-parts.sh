#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml), run before sw-manifest.sh: when the app's module
# was split (scripts/tools/wasm-bindgen), puts its parts and their loader beside
# Trunk's main module in the staging folder (TRUNK_STAGING_DIR), optimised like the
# main module (wasm-opt -Oz --converge), and named with the main module's hash so that
# they are cached as long as it is and never mixed with another release's. A build
# without split points has nothing to do here.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
main_js="$(grep -l '__wasm_split\.js' "$dir"/*.js 2>/dev/null | head -n 1 || true)"
[ -n "$main_js" ] || exit 0
name="$(basename "$main_js" .js)" # gridline-app-0123456789abcdef
hash="${name##*-}"
base="${name%-*}"
[[ "$hash" =~ ^[0-9a-f]{16}$ ]] || { echo "split-parts: $name is not a hashed module name" >&2; exit 1; }
parts="${CARGO_TARGET_DIR:-$root/target}/wasm-bindgen/${TRUNK_PROFILE:-release}/split-$base"
[ -f "$parts/__wasm_split.js" ] || { echo "split-parts: $main_js imports the split loader but $parts has none" >&2; exit 1; }

# The loader names the main module and the parts; each gets the hash.
renames=(-e "s|\"\./$base\.js\"|\"./$name.js\"|")
count=0
for part in "$parts"/*.wasm; do
    stem="$(basename "$part" .wasm)"
    [ "$stem" = "$base" ] && continue # the main module, which wasm-bindgen read
    renames+=(-e "s|\"\./$stem\.wasm\"|\"./$stem-$hash.wasm\"|")
    if [ "${TRUNK_PROFILE:-release}" = release ]; then
        # As Trunk runs it on the main module (app/index.html's data-wasm-opt).
        wasm-opt -Oz --converge "$part" -o "$dir/$stem-$hash.wasm"
    else
        cp "$part" "$dir/$stem-$hash.wasm"
    fi
    count=$((count + 1))
done
sed "${renames[@]}" "$parts/__wasm_split.js" >"$dir/__wasm_split-$hash.js"
# Every module the loader names must now be beside it.
for ref in $(grep -oE '"\./[^"]+\.(wasm|js)"' "$dir/__wasm_split-$hash.js" | tr -d '"'); do
    [ -f "$dir/${ref#./}" ] || { echo "split-parts: the loader names $ref, which is not in $dir" >&2; exit 1; }
done

# A page opened at its own address preloads its parts beside the main module.
python3 "$root/scripts/split-preload.py" "$dir/index.html" "$dir/__wasm_split-$hash.js"

# The main module's JS imports the loader by its new name (its import object keeps the
# module name the wasm asks for); the page's integrity hash of that JS (Trunk's
# modulepreload) follows.
sri() { python3 -c 'import base64, hashlib, sys; print("sha384-" + base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"; }
before="$(sri "$main_js")"
sed -i "s|from \"\./__wasm_split\.js\"|from \"./__wasm_split-$hash.js\"|g" "$main_js"
after="$(sri "$main_js")"
grep -qF "$before" "$dir/index.html" || { echo "split-parts: index.html has no integrity $before for $name.js" >&2; exit 1; }
sed -i "s#$before#$after#g" "$dir/index.html"
echo "split-parts: $count part(s) of $name beside it"
