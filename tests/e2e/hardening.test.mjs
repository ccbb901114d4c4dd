// Hostile input against the binary that is deployed: scripts/test.sh runs the end-to-end
// tests on the `server` profile build (optimised, no overflow checks), where an
// unchecked sum wraps instead of panicking.
import { strict as assert } from "node:assert";
import { availableParallelism } from "node:os";
import { after, before, describe, test } from "node:test";

import { startServer } from "./server.mjs";

/// The review's 48 bytes: `ftyp heic`, then a `free` box of size 1 whose 64-bit
/// largesize (2^64 - back) wraps an unchecked `from + size` back into the file.
function wrappingHeic(back) {
  const file = Buffer.alloc(48);
  file.writeUInt32BE(24, 0);
  file.write("ftypheic\0\0\0\0mif1heic", 4, "latin1");
  file.writeUInt32BE(1, 24);
  file.write("free", 28, "latin1");
  file.writeBigUInt64BE(2n ** 64n - BigInt(back), 32);
  return file;
}

function upload(server, body) {
  return fetch(`${server.url}/api/v1/media`, {
    method: "POST",
    headers: { "x-device-secret": "e2e-hostile-phone-0001", "content-type": "image/heic" },
    body,
  });
}

describe("hardening (release binary)", () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  test("a HEIC whose box size wraps is refused at once and stops nothing", async () => {
    for (const back of [8, 16, 24, 32, 40]) {
      const started = Date.now();
      const response = await upload(server, wrappingHeic(back));
      assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
      assert.equal((await response.json()).error.code, "unsupported_media_type");
      assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
    }
    // As many at once as the machine has cores, then the health check within 1 s.
    const uploads = Array.from({ length: availableParallelism() }, (_, i) =>
      upload(server, wrappingHeic(i % 2 === 0 ? 8 : 24)),
    );
    const started = Date.now();
    const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(1000) });
    assert.equal(health.status, 200);
    assert.ok(Date.now() - started < 1000);
    for (const response of await Promise.all(uploads)) {
      assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
    }
  });
});
