// End to end, in headless Chromium against the real server: a community station's
// tablet is enrolled with a one-time code and opens straight into station mode; staff
// file on behalf of a walk-in resident (photo, voice note, name, phone, consent); the
// tracking code shows large with its QR code. Offline, a filing is sealed and queued;
// after the idle timeout the tablet holds nothing of that resident anywhere (IndexedDB,
// localStorage, sessionStorage, Cache Storage, the page), and the queued filing still
// reaches the server once online; each resident gets the code by text message (through
// a stand-in SMS gateway). A revoked tablet is told so.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { closeAll, launchProfile, untilOfflineReady, watchErrors } from "./browser.mjs";
import { startServer } from "./server.mjs";
import { startSmsGateway } from "./sms.mjs";

const PHOTO = resolve(import.meta.dirname, "../../server/tests/fixtures/photo.jpg");
// The resident session's idle timeout, shortened for the test (the default is 120 s).
const IDLE_SECONDS = 6;

let server;
let profile;
// The city's SMS gateway, standing in.
let gateway;

before(async () => {
  gateway = await startSmsGateway();
  server = await startServer({
    env: {
      GRIDLINE_STATION_IDLE_SECONDS: String(IDLE_SECONDS),
      GRIDLINE_SMS_URL: gateway.url,
    },
  });
  profile = mkdtempSync(join(tmpdir(), "gridline-station-"));
});

after(async () => {
  await closeAll();
  if (server) await server.stop();
  gateway?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/// The counter's tablet: a landscape 10-inch screen, its own profile, a fake microphone.
function openTablet() {
  return launchProfile(profile, {
    args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    viewport: { width: 1280, height: 800 },
    hasTouch: true,
    permissions: ["microphone"],
  });
}

/// Everything the page and the browser keep for this origin, as one text to search:
/// every IndexedDB record (blobs read as text too), localStorage, sessionStorage,
/// every Cache Storage entry with its body, the DOM and the values of its fields.
function everythingKept(page) {
  return page.evaluate(async () => {
    const parts = [];
    const blobText = async (value) => {
      if (value instanceof Blob) return value.text();
      if (value && typeof value === "object") {
        const out = {};
        for (const [k, v] of Object.entries(value)) out[k] = await blobText(v);
        return JSON.stringify(out);
      }
      return JSON.stringify(value);
    };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(info.name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const name of db.objectStoreNames) {
        const values = await new Promise((resolve, reject) => {
          const request = db.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const value of values) parts.push(`idb:${name}:` + (await blobText(value)));
      }
      db.close();
    }
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        parts.push(`storage:${key}=${storage.getItem(key)}`);
      }
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        parts.push(`cache:${name}:${request.url}:` + (await response.text()));
      }
    }
    parts.push(document.documentElement.outerHTML);
    for (const field of document.querySelectorAll("input, textarea, select")) parts.push(field.value);
    return parts.join("\n");
  });
}

/// How many media the tablet keeps.
function keptMediaCount(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("gridline");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction("media").objectStore("media").count();
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result);
          };
        };
      })
  );
}

/// Files for a walk-in resident: voice first, name, phone, the kind, what and where, a
/// photo, consent.
async function fileOnBehalf(page, { name, phone, description, answer }) {
  await page.getByTestId("next-resident").click();
  await page.getByRole("button", { name: "录音" }).click();
  await page.getByTestId("voice-timer").getByText("00:02").waitFor();
  await page.getByRole("button", { name: "停止" }).click();
  await page.getByTestId("voice-playback").waitFor();
  await page.getByLabel("居民姓名").fill(name);
  await page.getByLabel("居民联系电话").fill(phone);
  await page.getByTestId("matter-picker").getByPlaceholder(/搜索问题类别/).fill("路灯");
  await page.getByTestId("matter-results").getByRole("button", { name: "路灯不亮" }).click();
  await page.getByLabel("诉求内容").fill(description);
  // Online, the knowledge base's answer to read out to the resident.
  if (answer) await page.getByTestId("answers").getByText(answer).waitFor();
  // The station's community is chosen already.
  assert.equal(await page.getByLabel("社区").inputValue(), "D01-S01-C01");
  await page.getByLabel("网格").selectOption({ label: "青松第二网格" });
  await page.getByTestId("photo-input").setInputFiles([PHOTO]);
  await page.getByTestId("thumbs").locator("li").first().waitFor();
  // Without consent it says what is missing.
  await page.getByTestId("submit").click();
  await page.getByTestId("file-problem").waitFor();
  await page.getByLabel("口头同意").check();
  await page.getByTestId("submit").click();
}

/// The ticket as its complainant sees it (proving with the phone's last digits).
async function publicTicket(code, suffix) {
  const response = await fetch(`${server.url}/api/v1/tickets/${code}?phone_suffix=${suffix}`);
  assert.equal(response.status, 200);
  return response.json();
}

describe("community stations", () => {
  test("enrolled tablet files on behalf, forgets the resident, delivers offline filings; revoked is told", async () => {
    const enrolled = server.admin("station", "enroll", "QS-01");
    const code = enrolled.match(/:\s+([A-Z2-9]{5}-[A-Z2-9]{5})/)[1];
    const deviceId = enrolled.match(/device id (\d+)/)[1];

    let tablet = await openTablet();
    let page = tablet.pages()[0] ?? (await tablet.newPage());
    const errors = watchErrors(page);
    await page.goto(`${server.url}/station/`);
    await page.getByLabel("登记码").fill(code.toLowerCase());
    await page.getByLabel(/平板名称/).fill("1 号窗口");
    await page.getByRole("button", { name: "登记" }).click();
    // Enrolled: the station's staff member signs in (another kind of account is told
    // it may not, and can sign out).
    await page.getByLabel("用户名").fill("worker");
    await page.getByLabel("密码").fill(server.logins.worker);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("not-station").waitFor();
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByLabel("用户名").fill("station");
    await page.getByLabel("密码").fill(server.logins.station);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("station-name").getByText("青松社区便民服务驿站").waitFor();
    await untilOfflineReady(page);
    // The tablet now opens straight into station mode, whichever program is opened.
    for (const path of ["/", "/field/"]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForURL(`${server.url}/station/`);
      await page.getByTestId("next-resident").waitFor();
    }

    // Online: the tracking code at once, large, with its QR code.
    await fileOnBehalf(page, { name: "李桂兰", phone: "13900002222", description: "楼道灯不亮，老人上下楼看不见（在线）", answer: "楼道照明损坏怎么报修" });
    const codeText = page.getByTestId("tracking-code");
    await codeText.waitFor();
    const first = (await codeText.textContent()).trim();
    assert.match(first, /^[A-HJKMNP-Z2-9]{8}$/);
    const qr = page.getByTestId("tracking-qr");
    await qr.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector("[data-testid=tracking-qr]");
      return img && img.complete && img.naturalWidth > 0;
    });
    await page.getByTestId("texted").waitFor();
    assert.match(await gateway.textTo("13900002222"), new RegExp(`查询码 ${first}`));
    const online = await publicTicket(first, "2222");
    assert.equal(online.contact_phone, "139********");
    assert.equal(online.lead_unit_code, "U-CM");
    assert.deepEqual(online.timeline[0].media.map((m) => m.kind), ["image", "audio"]);
    await page.getByTestId("finish").click();
    await page.getByTestId("session-cleared").waitFor();
    await page.getByTestId("station-today").getByText(first).waitFor();
    await page.getByTestId("station-today").getByText("李**").waitFor();

    // Offline: sealed and queued; then the resident walks away and the tablet waits.
    const resident = { name: "王秀英", phone: "13800001111", description: `楼下路灯坏了一个星期 ${Date.now()}` };
    await tablet.setOffline(true);
    await fileOnBehalf(page, resident);
    await page.getByTestId("station-queued").waitFor();
    await page.getByTestId("session-cleared").waitFor({ timeout: (IDLE_SECONDS + 10) * 1000 });
    const kept = await everythingKept(page);
    // The search sees the page and the database: the station's name is in both.
    assert.ok(kept.includes("idb:meta:") && kept.includes("青松社区便民服务驿站"));
    for (const secret of [resident.name, resident.phone, resident.description, "00001111"]) {
      assert.ok(!kept.includes(secret), `nothing of the resident is kept: found ${secret}`);
    }
    assert.ok(kept.includes("idb:station_filings:"), "the sealed filing is queued");
    assert.equal(await keptMediaCount(page), 2, "its photo and voice note wait with it");
    await page.getByTestId("station-waiting").getByText("1").waitFor();

    // Online again: it reaches the server, once.
    await tablet.setOffline(false);
    await page.getByTestId("station-waiting").waitFor({ state: "detached", timeout: 30_000 });
    const today = page.getByTestId("station-today");
    await today.getByText("王**").waitFor();
    const codes = (await today.locator(".tracking-code").allTextContents()).map((c) => c.trim());
    assert.equal(codes.length, 2, "two filings today");
    const second = codes.find((c) => c !== first);
    const delivered = await publicTicket(second, "1111");
    assert.equal(delivered.description, resident.description);
    assert.equal(delivered.contact_name, "王**");
    assert.deepEqual(delivered.timeline[0].media.map((m) => m.kind), ["image", "audio"]);
    assert.equal(await keptMediaCount(page), 0, "sent media leave the tablet");
    assert.match(await gateway.textTo("13800001111"), new RegExp(`查询码 ${second}`));
    assert.deepEqual(errors, []);

    // The station's staff member is signed out after 30 idle minutes (the page's clock
    // is run forward), and signs in again.
    await page.clock.install();
    await page.reload();
    await page.getByTestId("next-resident").waitFor();
    await page.clock.fastForward("31:00");
    await page.getByLabel("用户名").waitFor();
    await page.clock.resume();
    await page.getByLabel("用户名").fill("station");
    await page.getByLabel("密码").fill(server.logins.station);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("next-resident").waitFor();

    // Revoked: the tablet can no longer file, and says so; also after a reload.
    server.admin("station", "revoke", deviceId);
    // The tablet learns of it when it files, or sooner when it reads today's list
    // (every 30 s; the admin command may take that long on a busy machine).
    const revoked = page.getByTestId("device-revoked");
    await Promise.race([page.getByTestId("next-resident").waitFor(), revoked.waitFor()]);
    if (!(await revoked.isVisible())) {
      await fileOnBehalf(page, { name: "赵大爷", phone: "13700003333", description: "停用后再提交" });
    }
    await revoked.getByText(/已被停用/).waitFor();
    await page.reload();
    await page.getByTestId("device-revoked").getByText(/已被停用/).waitFor();
    await tablet.close();
  });
});
