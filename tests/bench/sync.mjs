// Benchmark (not a test): a grid worker's phone syncs 200 findings with one ~200 KB
// photo each, over loopback and through Chromium's network emulation (1.6 Mbps up,
// 150 ms latency). Prints seconds, payload bytes sent, and those bytes divided by what
// the link could carry in that time. Run: scripts/bench.sh sync
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { launchProfile, signInStaff, untilOfflineReady } from "../e2e/browser.mjs";
import { startServer } from "../e2e/server.mjs";

const COUNT = Number(process.env.GRIDLINE_BENCH_FINDINGS ?? 200);
const PHOTO_BYTES = 200 * 1024;

async function prepare(server) {
  const profile = mkdtempSync(join(tmpdir(), "gridline-bench-"));
  const phone = await launchProfile(profile);
  const page = phone.pages()[0] ?? (await phone.newPage());
  await signInStaff(page, server, "worker", "/field/");
  await page.goto(`${server.url}/field/worker`);
  await untilOfflineReady(page);
  await page.locator('select[name="matter"] option[value="0201"]').waitFor({ state: "attached" });
  await phone.setOffline(true);
  // Fill the outbox as the app does: distinct JPEG photos (noise: incompressible, like
  // real photos) of about 200 KB, and one finding naming each.
  const photoTotal = await page.evaluate(
    async ({ count, photoBytes }) => {
      let total = 0;
      const open = () =>
        new Promise((resolve, reject) => {
          const r = indexedDB.open("gridline");
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const db = await open();
      const canvas = document.createElement("canvas");
      canvas.width = 640;
      canvas.height = 480;
      const g = canvas.getContext("2d");
      const put = (store, value) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction(store, "readwrite");
          tx.objectStore(store).put(value);
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      for (let i = 0; i < count; i++) {
        const pixels = g.createImageData(canvas.width, canvas.height);
        crypto.getRandomValues(pixels.data.subarray(0, 65536));
        for (let p = 65536; p < pixels.data.length; p += 65536) {
          crypto.getRandomValues(pixels.data.subarray(p, Math.min(p + 65536, pixels.data.length)));
        }
        for (let a = 3; a < pixels.data.length; a += 4) pixels.data[a] = 255;
        g.putImageData(pixels, 0, 0);
        let quality = 0.9;
        let blob;
        do {
          blob = await new Promise((r) => canvas.toBlob(r, "image/jpeg", quality));
          quality -= 0.1;
        } while (blob.size > photoBytes * 1.1 && quality > 0.2);
        const hash = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer())))
          .map((b) => b.toString(16).padStart(2, "0"))
          .join("");
        await put("media", { id: hash, mime: "image/jpeg", blob, uploaded: false });
        total += blob.size;
        const record = {
          type: "finding",
          record_id: `bench-${i.toString().padStart(4, "0")}-${crypto.randomUUID()}`,
          revision: 1,
          patrol_id: null,
          grid_code: "D01-S01-C01-G02",
          matter_code: "0201",
          note: `基准测试 ${i}`,
          lon: 120.41,
          lat: 36.069,
          accuracy_m: 10,
          observed_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          outcome: "solved_on_spot",
          ticket_code: null,
          media: [hash],
        };
        const entry = {
          record,
          state: "pending",
          attempts: 0,
          next_attempt_ms: 0,
          message: null,
          ticket_code: null,
          created_ms: Date.now() + i,
        };
        await put("outbox", { id: record.record_id, json: JSON.stringify(entry) });
      }
      db.close();
      return total;
    },
    { count: COUNT, photoBytes: PHOTO_BYTES }
  );
  await page.reload();
  await page.getByTestId("waiting").waitFor();
  return { phone, page, profile, photoTotal };
}

async function measure(server, label, throttle) {
  const { phone, page, profile, photoTotal } = await prepare(server);
  // Payload sent: every photo once (the blobs; Chromium does not show blob bodies to
  // the request hook) plus the JSON batches. Headers are not counted.
  let bytes = photoTotal;
  let uploads = 0;
  page.on("request", (request) => {
    if (request.method() !== "POST") return;
    if (request.url().endsWith("/api/v1/media")) uploads += 1;
    const body = request.postDataBuffer();
    if (request.url().endsWith("/api/v1/field/sync") && body) bytes += body.length;
  });
  const cdp = await phone.newCDPSession(page);
  await cdp.send("Network.enable");
  const upBytesPerSecond = throttle ? 1.6e6 / 8 : null;
  if (throttle) {
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 150,
      downloadThroughput: 1.6e6 / 8,
      uploadThroughput: upBytesPerSecond,
    });
  }
  // The network returns: the app's loop starts by itself (the browser's online event).
  const start = Date.now();
  await phone.setOffline(false);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="waiting"]')?.textContent.trim().endsWith(" 0"),
    null,
    { timeout: 60 * 60 * 1000, polling: 200 }
  );
  const seconds = (Date.now() - start) / 1000;
  const line = {
    label,
    findings: COUNT,
    photo_uploads: uploads,
    mean_photo_bytes: Math.round(photoTotal / COUNT),
    seconds: +seconds.toFixed(1),
    payload_bytes: bytes,
  };
  if (upBytesPerSecond) line.link_utilisation = +(bytes / (seconds * upBytesPerSecond)).toFixed(3);
  else line.mbytes_per_second = +(bytes / seconds / 1e6).toFixed(1);
  console.log(JSON.stringify(line));
  await phone.close();
  rmSync(profile, { recursive: true, force: true });
}

const server = await startServer();
try {
  const which = process.argv[2] ?? "both";
  if (which !== "throttled") await measure(server, "loopback", false);
  if (which !== "loopback") await measure(server, "1.6 Mbps up, 150 ms", true);
} finally {
  await server.stop();
}
