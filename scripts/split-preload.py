#!/usr/bin/env python3
"""Preloads for a split app's lazy pages, written into its shell (run by split-parts.sh).

A lazy page's parts are fetched when the page first renders, which is after the main
module has loaded and started: a page opened at its own address (a texted tracking
link, a bookmark of filing) would wait for the two one after the other. The shell
names each lazy page's addresses (`<meta name="gridline-lazy-pages">` in
app/index.html); this script reads from the split loader which modules each page
needs (its own part and the shared chunks it waits for), and writes into the shell a
small inline script that, on one of those addresses, asks the browser to preload
them beside the main module. The loader's own fetch then takes the preloaded
response (same URL, same credentials mode). The module preload of the loader itself
saves a round trip on every page.

The build fails when the meta names a page the loader has not, or the loader has a
page the meta does not name: each lazy page has its addresses.

usage: split-preload.py INDEX_HTML LOADER_JS
"""

import json
import re
import sys


def page_modules(loader: str) -> dict[str, list[str]]:
    """Each lazy page and the modules it loads: its part first, then its chunks."""
    load = re.compile(
        r'const (?P<name>\w+) = (?:wrapAsyncCb\()?makeLoad\(\(\) => \{\s*'
        r'const src = fetch\(new URL\("\./(?P<file>[^"]+\.wasm)", import\.meta\.url\)\);'
        r'.*?\}\s*,\s*\[(?P<deps>[^\]]*)\]\)',
        re.S,
    )
    files: dict[str, str] = {}
    deps: dict[str, list[str]] = {}
    for m in load.finditer(loader):
        files[m["name"]] = m["file"]
        deps[m["name"]] = [d.strip() for d in m["deps"].split(",") if d.strip()]

    def closure(name: str, seen: list[str]) -> list[str]:
        for dep in deps[name]:
            if dep not in seen:
                seen.append(dep)
                closure(dep, seen)
        return seen

    pages = {}
    for name in files:
        page = re.fullmatch(r"__wasm_split_load_(\w+?)_\d+", name)
        if page:
            pages[page[1]] = [files[name]] + [files[d] for d in closure(name, [])]
    return pages


def address_pattern(address: str) -> str:
    """`/track` or `/track/*` (one more segment) as a regular expression."""
    if not re.fullmatch(r"(/[a-z0-9-]+)+(/\*)?", address):
        raise ValueError(f"split-preload: {address!r} is not an address like /track or /track/*")
    fixed = address.removesuffix("/*")
    tail = "/[^/]+" if address.endswith("/*") else ""
    return "^" + re.escape(fixed) + tail + "/?$"


def main() -> int:
    index_path, loader_path = sys.argv[1], sys.argv[2]
    html = open(index_path, encoding="utf-8").read()
    loader = open(loader_path, encoding="utf-8").read()
    meta = re.search(r'<meta name="gridline-lazy-pages" content="([^"]*)"\s*/?>', html)
    if not meta:
        print(f"split-preload: {index_path} names no lazy pages (meta gridline-lazy-pages)", file=sys.stderr)
        return 1
    addresses = {}
    for entry in meta[1].split():
        page, _, paths = entry.partition("=")
        addresses[page] = paths.split(",")
    pages = page_modules(loader)
    if set(addresses) != set(pages):
        print(
            f"split-preload: the shell names the lazy pages {sorted(addresses)}, "
            f"the split module has {sorted(pages)}",
            file=sys.stderr,
        )
        return 1
    # Served from where the main module is.
    main_js = re.search(r'<link rel="modulepreload" href="([^"]*/)[^"/]+\.js"', html)
    if not main_js:
        print(f"split-preload: {index_path} has no module preload of the main module", file=sys.stderr)
        return 1
    base = main_js[1]
    routes = [
        ["|".join(address_pattern(a) for a in addresses[page]), [base + f for f in pages[page]]]
        for page in sorted(pages)
    ]
    script = (
        "(()=>{const p=location.pathname;"
        f"for(const[r,fs]of {json.dumps(routes, separators=(',', ':'))})"
        "if(new RegExp(r).test(p)){for(const f of fs){const l=document.createElement('link');"
        "l.rel='preload';l.as='fetch';l.type='application/wasm';l.crossOrigin='anonymous';"
        "l.href=f;document.head.append(l)}break}})()"
    )
    loader_name = loader_path.rsplit("/", 1)[-1]
    tags = (
        f'<link rel="modulepreload" href="{base}{loader_name}" crossorigin="anonymous">'
        f"<script>{script}</script>"
    )
    html = html.replace(meta[0], "", 1).replace("</head>", tags + "</head>", 1)
    open(index_path, "w", encoding="utf-8").write(html)
    print(f"split-preload: preloads for {', '.join(f'{p} ({len(m)} modules)' for p, m in sorted(pages.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
