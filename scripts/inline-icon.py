#!/usr/bin/env python3
"""Trunk post-build hook step: the shell's favicon becomes a data: URI of the icon file.

Usage: inline-icon.py INDEX_HTML ICON_PNG

A browser asks for the favicon as soon as the page has loaded, which with a wasm app is
while it renders its first page: one more request, and on a weak network one more
connection, before the page is drawn. The icon is 572 bytes, so the shell carries it
(the CSP's img-src allows data:). The file in public/icons stays the one source: this
step writes it into the built page, and fails if the page has no such link.
"""
import base64
import re
import sys


def main(index: str, icon: str) -> None:
    with open(index, encoding="utf-8") as f:
        html = f.read()
    with open(icon, "rb") as f:
        data = base64.b64encode(f.read()).decode("ascii")
    pattern = re.compile(r'(<link rel="icon" type="image/png" href=")/icons/icon-192\.png(")')
    html, count = pattern.subn(lambda m: f"{m.group(1)}data:image/png;base64,{data}{m.group(2)}", html)
    if count != 1:
        sys.exit(f"inline-icon: {index} has {count} favicon links to /icons/icon-192.png, not 1")
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
