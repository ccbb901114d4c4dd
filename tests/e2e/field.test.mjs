// End to end, in headless Chromium against the real server: a grid worker signs in,
// goes offline, logs 20 findings with a photo each, reloads twice, closes and reopens
// the browser with the same profile, goes online; the server then holds exactly those
// 20 findings, each photo's hash the one the device kept, and the outbox is empty.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { closeAll, launchProfile, signInStaff, untilOfflineReady, watchErrors } from "./browser.mjs";
import { startServer } from "./server.mjs";

const PHOTO = resolve(import.meta.dirname, "../../server/tests/fixtures/photo.jpg");
const FINDINGS = 20;

let server;
let profile;

before(async () => {
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), "gridline-profile-"));
});

after(async () => {
  await closeAll();
  if (server) await server.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/// The worker's phone: the same browser profile every time it is opened.
function openPhone() {
  return launchProfile(profile, {
    // A fake microphone that grants itself (Chromium's test devices).
    args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    permissions: ["geolocation", "microphone"],
    geolocation: { longitude: 120.41, latitude: 36.069, accuracy: 10 },
  });
}

/// What the device holds: outbox entries by state, and the media blobs kept.
function deviceState(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("gridline");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(["outbox", "media"]);
          const entries = tx.objectStore("outbox").getAll();
          const media = tx.objectStore("media").getAllKeys();
          tx.oncomplete = () => {
            const parsed = entries.result.map((e) => JSON.parse(e.json));
            resolve({
              findings: parsed.filter((e) => e.record.type === "finding"),
              media: media.result,
            });
            db.close();
          };
        };
      })
  );
}

async function waitingCount(page) {
  const text = await page.getByTestId("waiting").textContent();
  return Number(text.match(/(\d+)\s*$/)[1]);
}

describe("grid workers", () => {
  test("20 findings logged offline reach the server exactly once, photos intact", async () => {
    let phone = await openPhone();
    let page = phone.pages()[0] ?? (await phone.newPage());
    const errors = watchErrors(page);

    // Sign in once, online; open the patrol page so it keeps what a shift needs.
    await signInStaff(page, server, "worker", "/field/");
    await page.goto(`${server.url}/field/worker`);
    await page.getByRole("heading", { name: "网格巡查" }).waitFor();
    await untilOfflineReady(page);
    // The grids and the matter list have arrived (and are kept for offline use).
    await page.locator('select[name="grid"] option[value="D01-S01-C01-G02"]').first().waitFor({ state: "attached" });
    await page.locator('select[name="matter"] option[value="0201"]').waitFor({ state: "attached" });
    // Only the grid workers' list is offered (water bills are not found on a walk).
    assert.equal(await page.locator('select[name="matter"] option[value="0301"]').count(), 0);

    await phone.setOffline(true);
    await page.reload();
    await page.getByRole("heading", { name: "网格巡查" }).waitFor();
    // Start a patrol of grid 2 (offline), then log the findings on it.
    const patrol = page.getByTestId("patrol");
    await patrol.locator('select[name="grid"]').selectOption("D01-S01-C01-G02");
    await patrol.getByRole("button", { name: "开始巡查" }).click();
    await page.getByTestId("patrol-open").waitFor();

    const form = page.getByTestId("finding-form");
    for (let i = 1; i <= FINDINGS; i++) {
      await form.locator('select[name="matter"]').selectOption("0201");
      await form.getByLabel("说明").fill(`第 ${i} 处：路灯不亮`);
      await form.getByLabel("照片").setInputFiles(PHOTO);
      if (i === 1) {
        // The first one gets a voice note: a visible timer, then play back.
        const voice = form.getByTestId("voice-note");
        await voice.getByRole("button", { name: "录音" }).click();
        await voice.getByTestId("voice-timer").getByText("00:02").waitFor();
        await voice.getByRole("button", { name: "停止" }).click();
        await voice.getByTestId("voice-playback").waitFor();
      }
      if (i % 5 === 0) await form.getByLabel("上报").check();
      await form.getByRole("button", { name: "保存" }).click();
      await page.locator('[data-testid="outbox"] li[data-kind="finding"]').nth(i - 1).waitFor();
    }
    assert.equal(await waitingCount(page), FINDINGS + 1, "20 findings and the patrol wait");
    await page.getByTestId("sync-problem").getByText("无网络").waitFor();

    // Reload twice, still offline: everything is still there.
    for (let i = 0; i < 2; i++) {
      await page.reload();
      await page.getByRole("heading", { name: "网格巡查" }).waitFor();
      await page.locator('[data-testid="outbox"] li[data-kind="finding"]').nth(FINDINGS - 1).waitFor();
    }
    const kept = await deviceState(page);
    assert.equal(kept.findings.length, FINDINGS);
    assert.equal(kept.media.length, 2, "the photo kept once (same bytes, same hash) and the voice note");
    assert.deepEqual(errors.filter((e) => !e.includes("ERR_INTERNET_DISCONNECTED")), []);

    // Close the browser and open it again with the same profile, still offline.
    await phone.close();
    phone = await openPhone();
    await phone.setOffline(true);
    page = phone.pages()[0] ?? (await phone.newPage());
    const reopenedErrors = watchErrors(page);
    await page.goto(`${server.url}/field/worker`);
    await page.getByRole("heading", { name: "网格巡查" }).waitFor();
    await page.locator('[data-testid="outbox"] li[data-kind="finding"]').nth(FINDINGS - 1).waitFor();
    assert.equal(await waitingCount(page), FINDINGS + 1);

    // The network returns: the loop sends everything by itself.
    await phone.setOffline(false);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="waiting"]')?.textContent.trim().endsWith(" 0"),
      null,
      { timeout: 60_000 }
    );
    const synced = await deviceState(page);
    assert.ok(synced.findings.every((e) => e.state === "synced"), "every finding confirmed");
    assert.deepEqual(synced.media, [], "no photo left on the device");

    // The server: exactly the 20 findings, each with the photo hash the device kept.
    const records = await page.evaluate(async () => (await fetch("/api/v1/field/records")).json());
    const findings = records.records.filter((r) => r.record.type === "finding");
    assert.equal(findings.length, FINDINGS);
    const notes = findings.map((r) => r.record.note).sort();
    assert.equal(new Set(notes).size, FINDINGS);
    for (const r of findings) {
      const device = kept.findings.find((e) => e.record.record_id === r.record.record_id);
      assert.ok(device, `the server's ${r.record.record_id} came from this device`);
      assert.deepEqual(r.media, device.record.media);
      assert.equal(r.media.length, r.record.note.startsWith("第 1 处") ? 2 : 1);
    }
    assert.deepEqual(
      [...new Set(findings.flatMap((r) => r.media))].sort(),
      [...kept.media].sort(),
      "the server's hashes are the device's"
    );
    // Every fifth was reported upward and became a ticket.
    assert.equal(findings.filter((r) => r.ticket_code).length, FINDINGS / 5);

    // An edit after sync is a new revision of the same record: here it is reported
    // upward after all, which files its ticket.
    const row = page.locator('[data-testid="outbox"] li').filter({ hasText: "第 2 处：路灯不亮" });
    await row.getByRole("button", { name: "修改" }).click();
    const edit = row.getByTestId("edit-finding");
    await edit.getByLabel("说明").fill("第 2 处：路灯不亮，需更换灯杆");
    await edit.getByLabel("上报").check();
    await edit.getByRole("button", { name: "保存修改" }).click();
    const edited = page.locator('[data-testid="outbox"] li[data-revision="2"][data-state="synced"]');
    await edited.waitFor({ timeout: 30_000 });
    const after = await page.evaluate(async () => (await fetch("/api/v1/field/records")).json());
    const second = after.records.filter((r) => r.record.note?.startsWith("第 2 处"));
    assert.equal(second.length, 1, "still one record");
    assert.equal(second[0].record.revision, 2);
    assert.equal(second[0].record.note, "第 2 处：路灯不亮，需更换灯杆");
    assert.ok(second[0].ticket_code, "reported upward now: a ticket");
    const offlineNoise = (e) => e.includes("ERR_INTERNET_DISCONNECTED");
    assert.deepEqual(reopenedErrors.filter((e) => !offlineNoise(e)), []);
    await phone.close();
  });

  test("a finding's place is tapped on the grid's map, offline too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridline-profile-"));
    const context = await launchProfile(dir, { viewport: { width: 390, height: 844 } });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = watchErrors(page);
    await signInStaff(page, server, "worker", "/field/");
    await page.goto(`${server.url}/field/worker`);
    await untilOfflineReady(page);
    await page.locator('select[name="matter"] option[value="0201"]').waitFor({ state: "attached" });
    // Offline, reopened: the map comes from what the phone kept.
    await context.setOffline(true);
    await page.reload();
    await page.locator('select[name="matter"] option[value="0201"]').waitFor({ state: "attached" });
    const form = page.getByTestId("finding-form");
    await form.locator('select[name="grid"]').selectOption("D01-S01-C01-G03");
    const svg = form.getByTestId("grid-map").locator("svg");
    await svg.waitFor();
    const box = await svg.boundingBox();
    await svg.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await form.getByTestId("map-point").waitFor({ state: "attached" });
    await form.locator('select[name="matter"]').selectOption("0201");
    await form.getByLabel("说明").fill("地图上标出的路灯");
    await form.getByRole("button", { name: "保存" }).click();
    await page.locator('[data-testid="outbox"] li[data-state="pending"]').first().waitFor();
    await context.setOffline(false);
    await page.locator('[data-testid="outbox"] li[data-state="synced"]').first().waitFor({ timeout: 30_000 });

    // The middle of the drawing is the middle of the grid's outline box.
    const drawn = await (await fetch(`${server.url}/api/v1/regions/D01-S01-C01-G03/map`)).json();
    const [w, h] = [drawn.width, drawn.height];
    const lon = drawn.west + w / 2 / drawn.units_per_lon;
    const lat = drawn.north - h / 2 / drawn.units_per_lat;
    const records = await page.evaluate(async () => (await fetch("/api/v1/field/records")).json());
    const finding = records.records.find((r) => r.record.note === "地图上标出的路灯").record;
    // One pixel is about 0.00007 degrees here.
    assert.ok(Math.abs(finding.lon - lon) < 0.0003, `lon ${finding.lon} ~ ${lon}`);
    assert.ok(Math.abs(finding.lat - lat) < 0.0003, `lat ${finding.lat} ~ ${lat}`);
    assert.ok(finding.accuracy_m > 0);
    assert.deepEqual(errors.filter((e) => !e.includes("ERR_INTERNET_DISCONNECTED")), []);
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a session ended on the server stops sync, keeps the records, and sync resumes after signing in", async () => {
    const other = mkdtempSync(join(tmpdir(), "gridline-profile-"));
    const phone = await launchProfile(other);
    const page = phone.pages()[0] ?? (await phone.newPage());
    const signIn = async () => {
      await signInStaff(page, server, "worker", "/field/");
      await page.goto(`${server.url}/field/worker`);
      await page.locator('select[name="matter"] option[value="0201"]').waitFor({ state: "attached" });
    };
    await signIn();
    await phone.setOffline(true);
    const form = page.getByTestId("finding-form");
    await form.locator('select[name="grid"]').selectOption("D01-S01-C01-G03");
    await form.locator('select[name="matter"]').selectOption("0201");
    await form.getByLabel("说明").fill("会话过期时记录的问题");
    await form.getByRole("button", { name: "保存" }).click();
    await page.locator('[data-testid="outbox"] li[data-state="pending"]').waitFor();

    // An admin disables the account meanwhile: its sessions end on the server.
    server.admin("user", "disable", "worker");
    await phone.setOffline(false);
    // Sync stops and says so; the app asks to sign in; nothing on the device is lost.
    await page.getByTestId("sign-in-needed").getByText("登录已失效", { exact: false }).waitFor();
    const kept = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const r = indexedDB.open("gridline");
          r.onsuccess = () => {
            const all = r.result.transaction("outbox").objectStore("outbox").getAll();
            all.onsuccess = () => resolve(all.result.map((e) => JSON.parse(e.json).state));
          };
        })
    );
    assert.deepEqual(kept, ["pending"]);

    // Enabled again and signed in: the record goes.
    server.admin("user", "enable", "worker");
    await signIn();
    await page.locator('[data-testid="outbox"] li[data-state="synced"]').waitFor({ timeout: 30_000 });
    const records = await page.evaluate(async () => (await fetch("/api/v1/field/records")).json());
    assert.ok(records.records.some((r) => r.record.note === "会话过期时记录的问题"));
    await phone.close();
    rmSync(other, { recursive: true, force: true });
  });
});
