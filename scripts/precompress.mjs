// Writes a brotli (quality 11) and a gzip (level 9) copy beside every wasm, js, css,
// svg and webmanifest file in the folders given (the apps' dist folders), so the
// server sends them compressed as well as they can be without compressing on each
// request: brotli takes the resident app's wasm from 376 KB (gzip) to 290 KB. The
// server picks by the browser's Accept-Encoding (tower-http ServeDir, precompressed);
// HTML is left out (the server writes each page's policy into it). Node's own zlib: no
// download. Run by scripts/build-app.sh after every app is built.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const KINDS = /\.(wasm|js|css|svg|webmanifest)$/;

function compress(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      compress(path);
      continue;
    }
    if (!KINDS.test(name)) continue;
    const bytes = readFileSync(path);
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      })
    );
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  }
}

for (const dir of process.argv.slice(2)) compress(dir);
