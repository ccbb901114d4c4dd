// Writes a brotli (quality 11) and a gzip (level 9) copy beside every hashed wasm, js
// and css file in the folders given (the apps' dist folders), so the server sends them
// compressed as well as they can be without compressing on each request: brotli takes
// the resident app's wasm from 376 KB (gzip) to 290 KB. The server picks by the
// browser's Accept-Encoding (tower-http ServeDir, precompressed). Only Trunk's hashed
// files (`name-0123456789abcdef.js`, cached as immutable; Trunk writes the hash
// without its leading zeros, so 12 to 16 digits, as the server's `is_hashed_asset`): a file that keeps its name
// (sw.js, index.html, the manifest) may be changed in place, and a stale copy beside
// it would be sent instead; those are compressed per request. Node's own zlib: no
// download. Run by scripts/build-app.sh after every app is built.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const HASHED = /-[0-9a-f]{12,16}(_bg)?\.(wasm|js|css)$/;

function compress(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      compress(path);
      continue;
    }
    if (!HASHED.test(name)) continue;
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
