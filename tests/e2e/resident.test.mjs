// End to end, in headless Chromium against the real server with demo data: a resident
// files a complaint with two photos and a voice note and follows it; another files
// while offline, reloads, goes online, and exactly one ticket arrives with the photos
// byte-identical to what the phone kept; a done ticket is rated dissatisfied and goes
// back to its unit; a resident sees the same problem reported nearby, follows it, and
// hears of its progress.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { closeAll, launch, launchProfile, makeClip, phone, signInStaff, untilOfflineReady, watchErrors } from "./browser.mjs";
import { startServer } from "./server.mjs";

const FIXTURES = resolve(import.meta.dirname, "../../server/tests/fixtures");
const PHOTOS = [join(FIXTURES, "photo.jpg"), join(FIXTURES, "small.png")];
// A fake microphone that grants itself, and a position in 青松 grid 2.
const FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];
const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  permissions: ["geolocation", "microphone"],
  geolocation: { longitude: 120.41, latitude: 36.069, accuracy: 12 },
};

let server;
let browser;
let profile;

before(async () => {
  server = await startServer();
  browser = await launch({ args: FAKE_MEDIA });
  profile = mkdtempSync(join(tmpdir(), "gridline-resident-"));
});

after(async () => {
  await closeAll();
  await browser?.close();
  if (server) await server.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/// A ticket as its complainant sees it, through the API.
async function publicTicket(code, suffix = "5678") {
  const response = await fetch(`${server.url}/api/v1/tickets/${code}?phone_suffix=${suffix}`);
  assert.equal(response.status, 200);
  return response.json();
}

/// The bytes of a ticket's medium, as the server serves them.
async function mediumBytes(code, id, suffix = "5678") {
  const response = await fetch(`${server.url}/api/v1/tickets/${code}/media/${id}?phone_suffix=${suffix}`);
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

/// The media the phone keeps, with the SHA-256 of each blob's bytes.
function keptMedia(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("gridline");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction("media").objectStore("media").getAll();
          request.onsuccess = async () => {
            const out = [];
            for (const m of request.result) {
              const digest = await crypto.subtle.digest("SHA-256", await m.blob.arrayBuffer());
              const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
              out.push({ id: m.id, hash: hex, type: m.blob.type, size: m.blob.size });
            }
            open.result.close();
            resolve(out);
          };
          request.onerror = () => reject(request.error);
        };
      })
  );
}

/// Fills the parts of the form every complaint has.
async function describeStreetLight(page, description) {
  const picker = page.getByTestId("matter-picker");
  await picker.getByPlaceholder(/搜索问题类别/).fill("路灯");
  await page.getByTestId("matter-results").getByRole("button", { name: "路灯不亮" }).click();
  await page.getByTestId("chosen-matter").getByText("路灯不亮").waitFor();
  await page.getByLabel("诉求内容").fill(description);
}

/// The demo unit handler takes `actions` on the ticket `code`, in the staff app's session.
async function unitActs(code, actions) {
  const desk = await browser.newContext({ locale: "zh-CN" });
  const staff = await desk.newPage();
  await signInStaff(staff, server, "handler");
  for (const body of actions) {
    const status = await staff.evaluate(
      async ({ code, body }) => {
        const me = await (await fetch("/api/v1/auth/me")).json();
        const r = await fetch(`/api/v1/tickets/${code}/actions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": me.csrf_token },
          body: JSON.stringify(body),
        });
        return r.status;
      },
      { code, body }
    );
    assert.equal(status, 200);
  }
  await desk.close();
}

async function addPhotos(page) {
  await page.getByTestId("photo-input").setInputFiles(PHOTOS);
  await page.getByTestId("thumbs").locator("li").nth(1).waitFor();
}

describe("residents", () => {
  test("a first visit loads the start page alone; each page's part comes when it opens", async () => {
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // The page's own requests for lazy parts (the service worker's precaching is its own).
    const parts = [];
    page.on("request", (request) => {
      const part = request.url().match(/\/split_([a-z_]+?)_\d+-[0-9a-f]{16}\.wasm$/);
      if (part) parts.push(part[1]);
    });
    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "我要投诉" }).first().waitFor();
    await page.waitForLoadState("networkidle");
    assert.deepEqual(parts, [], "the start page needs no page's part");
    await page.getByRole("link", { name: "我要投诉" }).first().click();
    await page.getByLabel("诉求内容").waitFor();
    assert.deepEqual(parts, ["file_page"]);
    await page.goto(`${server.url}/track`);
    await page.getByRole("heading", { name: "查询办理进度" }).waitFor();
    assert.deepEqual(parts, ["file_page", "track_page"]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a page opened at its own address fetches its parts beside the main module, once", async () => {
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // Each request for a lazy part (split_<page>) or a chunk parts share (chunk_<n>).
    const modules = [];
    page.on("request", (request) => {
      const m = request.url().match(/\/(split_[a-z_]+?|chunk_\d+)(?:_\d+)?-[0-9a-f]{16}\.wasm$/);
      if (m) modules.push(m[1]);
    });
    // With the main module held back nothing of the app runs: what is fetched, the
    // shell asked for.
    await context.route("**/*_bg.wasm", (route) => route.abort());
    await page.goto(`${server.url}/track`);
    await page.waitForLoadState("networkidle");
    const parts = modules.filter((m) => m.startsWith("split_"));
    assert.deepEqual(parts, ["split_track_page"], "the tracking page's part and no other page's");
    assert.ok(modules.some((m) => m.startsWith("chunk_")), "with the chunks it shares");
    // The favicon is in the shell (scripts/inline-icon.py): no request for it while the
    // app loads, and the icon file's bytes.
    const icon = await page.locator('link[rel="icon"]').getAttribute("href");
    const prefix = "data:image/png;base64,";
    assert.ok(icon.startsWith(prefix), icon.slice(0, 40));
    assert.deepEqual(Buffer.from(icon.slice(prefix.length), "base64"), readFileSync(resolve(import.meta.dirname, "../../public/icons/icon-192.png")));

    // With the main module, the page opens, and its loader takes the preloaded
    // responses rather than asking again.
    await context.unroute("**/*_bg.wasm");
    modules.length = 0;
    errors.length = 0; // the held-back module's
    await page.reload();
    await page.getByRole("heading", { name: "查询办理进度" }).waitFor();
    await page.waitForLoadState("networkidle");
    assert.ok(modules.includes("split_track_page"));
    assert.equal(new Set(modules).size, modules.length, `each module once: ${modules}`);
    // The start page preloads nothing (the first test counts its requests).
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a short clip goes with a complaint: checked and made smaller when picked, or recorded; kept; played back", async () => {
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/file`);
    await describeStreetLight(page, "路灯忽明忽暗，录了一段视频");
    await page.getByRole("button", { name: "使用当前位置" }).click();
    await page.getByTestId("position").getByText("精度约 12 米").waitFor();
    const pick = (name, bytes) =>
      page.getByTestId("clip-input").setInputFiles({ name, mimeType: "video/mp4", buffer: Buffer.from(bytes) });
    const problem = page.getByTestId("clip-problem");

    // A photo named like a video is not one; a clip longer than 30 s is refused.
    await page.getByTestId("clip-input").setInputFiles(PHOTOS[0]);
    await problem.getByText("无法识别这个视频").waitFor();
    await pick("long.webm", await makeClip(page, 40));
    await problem.getByText("视频不能超过 30 秒").waitFor();
    const playable = () => page.waitForFunction(() => ((v) => v && !v.hidden && v.readyState >= 1)(document.querySelector("[data-testid=clip-playback]")));
    const keptSince = async (before) => (await keptMedia(page)).filter((m) => !before.some((b) => b.id === m.id));
    // A short one is taken as it is.
    let before = await keptMedia(page);
    const short = Buffer.from(await makeClip(page));
    await pick("short.webm", short);
    await playable();
    assert.ok(await problem.isHidden());
    assert.deepEqual((await keptSince(before)).map((m) => m.id), [sha256(short)]);
    // One larger than a recording here would be (5 MB for a second) is recorded again
    // while it plays, at the low bit rate.
    before = await keptMedia(page);
    await pick("large.webm", Buffer.concat([short, Buffer.alloc(5 * 1024 * 1024)]));
    await page.getByTestId("clip-working").waitFor();
    await playable();
    const smaller = await keptSince(before);
    assert.equal(smaller.length, 1);
    assert.equal(smaller[0].type, "video/webm");
    assert.ok(smaller[0].size < 200_000, `made smaller: ${smaller[0].size} bytes`);

    // Recorded here instead, from the camera, with a timer.
    await page.getByTestId("video-clip").getByRole("button", { name: "删除" }).click();
    await page.getByRole("button", { name: "录像" }).click();
    await page.getByTestId("clip-timer").getByText("00:02 / 00:30").waitFor();
    before = await keptMedia(page);
    await page.getByTestId("video-clip").getByRole("button", { name: "停止" }).click();
    await playable();
    // Kept on the phone at once (named by its hash); a reload brings it back.
    const [clip] = await keptSince(before);
    assert.equal(clip?.type, "video/webm", "the recording is kept");
    assert.equal(clip.hash, clip.id);
    assert.ok(clip.size > 1000, `recorded ${clip.size} bytes`);
    await page.reload();
    await page.getByTestId("draft-restored").waitFor();
    await playable();

    await page.getByLabel("联系电话（选填）").fill("13812345678");
    await page.getByLabel(/我确认以上内容属实/).check();
    await page.getByTestId("submit").click();
    const codeText = page.getByTestId("tracking-code").first();
    await codeText.waitFor();
    const code = (await codeText.textContent()).trim();
    const ticket = await publicTicket(code);
    const media = ticket.timeline[0].media;
    assert.deepEqual(media.map((m) => [m.kind, m.content_type]), [["video", "video/webm"]]);
    assert.equal(media[0].id, clip.id, "the server holds what the phone kept");
    // Sent, the clip leaves the phone at once. The two chosen before it wait out the
    // few minutes a medium nothing names yet is kept (it may be about to be named:
    // offline/mod.rs), then go (the browser test a_medium_just_written_waits_to_be_named).
    const left = (await keptMedia(page)).map((m) => m.id);
    assert.ok(!left.includes(clip.id), "the sent clip left the phone");
    assert.deepEqual(left.sort(), [sha256(short), smaller[0].id].sort());
    // Played back on the complaint's page.
    const video = page.getByTestId("timeline").locator("video");
    await video.waitFor();
    await page.waitForFunction(() => document.querySelector("[data-testid=timeline] video").readyState >= 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("file with two photos and a voice note, then follow it by its tracking code", async () => {
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "我要投诉" }).first().click();
    // The most filed kinds are large buttons (the demo has no tickets yet: one per category).
    await page.getByTestId("common-matters").getByRole("button", { name: "路灯不亮" }).waitFor();
    await describeStreetLight(page, "小区门口路灯不亮，晚上很黑，老人出门不方便");
    await page.getByRole("button", { name: "使用当前位置" }).click();
    await page.getByTestId("position").getByText("精度约 12 米").waitFor();
    await addPhotos(page);
    await page.getByRole("button", { name: "录音" }).click();
    await page.getByTestId("voice-timer").getByText("00:02").waitFor();
    await page.getByRole("button", { name: "停止" }).click();
    await page.getByTestId("voice-playback").waitFor();
    await page.getByLabel("联系电话（选填）").fill("13812345678");
    // Submitting without consent says what is missing.
    await page.getByTestId("submit").click();
    await page.getByTestId("file-problem").waitFor();
    await page.getByLabel(/我确认以上内容属实/).check();
    const kept = await keptMedia(page);
    assert.equal(kept.length, 3, "two photos and the voice note kept on the phone");
    for (const m of kept) assert.equal(m.hash, m.id, "each kept medium is named by its hash");
    await page.getByTestId("submit").click();

    // Sent at once: the tracking code, its QR code, and the ticket's timeline.
    const codeText = page.getByTestId("tracking-code").first();
    await codeText.waitFor();
    const code = (await codeText.textContent()).trim();
    assert.match(code, /^[A-HJKMNP-Z2-9]{8}$/);
    await page.getByTestId("complaint-state").getByText("已提交").waitFor();
    const qr = page.getByTestId("tracking-qr");
    await qr.waitFor();
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), "the QR code is drawn");
    await page.getByTestId("timeline").getByText("诉求已受理").waitFor();

    const ticket = await publicTicket(code);
    assert.equal(ticket.lead_unit_code, "U-CM", "routed by the phone's position");
    assert.equal(ticket.contact_phone, "138********");
    const media = ticket.timeline[0].media;
    assert.deepEqual(media.map((m) => m.kind), ["image", "image", "audio"]);
    assert.deepEqual(
      media.map((m) => m.id).sort(),
      kept.map((m) => m.id).sort(),
      "the server holds what the phone kept"
    );
    for (const m of media) assert.equal(sha256(await mediumBytes(code, m.id)), m.id);
    // Sent media leave the phone; the complaint stays in "my complaints".
    assert.deepEqual(await keptMedia(page), []);
    await page.getByRole("link", { name: "我的投诉" }).first().click();
    await page.getByTestId("complaints").getByText(code).waitFor();
    // A link to a complaint this device does not hold says so.
    await page.goto(`${server.url}/mine/not-on-this-device`);
    await page.getByTestId("complaint-missing").getByText("没有找到相关内容").waitFor();
    await page.goto(`${server.url}/mine`);
    await page.getByTestId("complaints").getByText(code).waitFor();

    // The whole flow in English too.
    await page.getByTestId("lang-switch").click();
    await page.getByTestId("complaints").getByText("Street light out").waitFor();
    await page.getByTestId("complaints").getByText("Sent", { exact: true }).waitFor();
    await page.goto(`${server.url}/file`);
    await page.getByPlaceholder(/Search kinds/).waitFor();
    await page.getByRole("button", { name: "Use my position" }).waitFor();
    await page.getByTestId("lang-switch").click();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("filed offline, reloaded offline, sent once online with the photos intact", async () => {
    const description = `路灯坏了好几天了（离线提交 ${Date.now()}）`;
    const context = await launchProfile(profile, { ...PHONE, args: FAKE_MEDIA });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/file`);
    await untilOfflineReady(page);
    // The catalogue and the grids have arrived and are kept for offline use.
    await page.getByTestId("common-matters").getByRole("button").first().waitFor();
    await page.reload();
    await page.getByTestId("common-matters").getByRole("button").first().waitFor();

    await context.setOffline(true);
    await describeStreetLight(page, description);
    await page.getByLabel("社区").selectOption({ label: "青松社区" });
    await page.getByLabel("网格").selectOption({ label: "青松第二网格" });
    await page.getByLabel("地址").fill("青松路 12 号");
    await addPhotos(page);
    await page.getByLabel("联系电话（选填）").fill("13912345678");

    // A reload (still offline) brings the draft back, photos included.
    page.on("console", (m) => console.log("CONSOLE", m.type(), m.text()));
    await page.reload();
    await page.getByTestId("draft-restored").waitFor();
    console.log("SRC", await page.evaluate(() => [...document.querySelectorAll("video")].map((v) => v.src + " " + v.readyState)));
    assert.equal(await page.getByLabel("诉求内容").inputValue(), description);
    await page.getByTestId("chosen-matter").getByText("路灯不亮").waitFor();
    await page.getByTestId("thumbs").locator("li").nth(1).waitFor();
    assert.equal(await page.getByLabel("网格").inputValue(), "D01-S01-C01-G02");
    await page.getByLabel(/我确认以上内容属实/).check();
    // Two taps on submit make one complaint.
    await page.getByTestId("submit").dblclick();
    await page.getByTestId("complaint-state").getByText("等待网络").waitFor();
    const complaintUrl = page.url();

    await page.reload();
    await page.getByTestId("complaint-state").getByText("等待网络").waitFor();
    const kept = await keptMedia(page);
    assert.equal(kept.length, 2);
    for (const m of kept) assert.equal(m.hash, m.id);

    await context.setOffline(false);
    await page.getByTestId("complaint-state").getByText("已提交").waitFor({ timeout: 30_000 });
    assert.equal(page.url(), complaintUrl);
    const code = (await page.getByTestId("tracking-code").first().textContent()).trim();
    assert.deepEqual(await keptMedia(page), [], "sent photos leave the phone");

    // Exactly one ticket with this description, in the unit's queue.
    const desk = await browser.newContext({ locale: "zh-CN" });
    const staff = await desk.newPage();
    await signInStaff(staff, server, "handler");
    const queue = await staff.evaluate(async () => (await fetch("/api/v1/queue?view=unit")).json());
    const mine = queue.tickets.filter((t) => t.description === description);
    assert.equal(mine.length, 1, "one ticket, whatever the reloads and taps");
    assert.equal(mine[0].tracking_code, code);
    assert.equal(mine[0].region_code, "D01-S01-C01-G02");
    await desk.close();

    const ticket = await publicTicket(code, "5678");
    const ids = ticket.timeline[0].media.map((m) => m.id);
    assert.deepEqual([...ids].sort(), kept.map((m) => m.id).sort());
    for (const id of ids) {
      assert.equal(sha256(await mediumBytes(code, id)), id, "byte-identical to what the phone kept");
    }
    await context.close();
  });

  test("the words bring standard answers and the likely kinds of problem", async () => {
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/file`);
    await page.getByTestId("common-matters").getByRole("button").first().waitFor();
    // Nothing is asked for a word or two.
    await page.getByLabel("诉求内容").fill("楼道");
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId("suggestions").count(), 0);
    // The knowledge base's answer for other words of the same thing, opened to read.
    await page.getByLabel("诉求内容").fill("我们楼道灯不亮好几天了");
    const answers = page.getByTestId("answers");
    await answers.getByRole("heading", { name: "这些解答也许能帮到您" }).waitFor();
    await answers.getByText("楼道照明损坏怎么报修").click();
    await answers.getByText(/由物业服务企业负责维修/).waitFor();
    // A likely kind of problem, chosen with a tap.
    await page.getByLabel("诉求内容").fill("单元电梯坏了老人下不了楼");
    const kinds = page.getByTestId("suggested-matters");
    await kinds.getByRole("button", { name: "电梯故障" }).click();
    await page.getByTestId("chosen-matter").getByText("电梯故障").waitFor();
    assert.equal(await kinds.count(), 0, "no more kinds offered once one is chosen");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a resident marks the place on the grid's map", async () => {
    const description = `路灯不亮，在地图上标的位置（${Date.now()}）`;
    const context = await browser.newContext({ ...PHONE });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/file`);
    await describeStreetLight(page, description);
    await page.getByLabel("社区").selectOption({ label: "青松社区" });
    await page.getByLabel("网格").selectOption({ label: "青松第二网格" });
    const map = page.getByTestId("grid-map");
    const svg = map.locator("svg");
    await svg.waitFor();
    const box = await svg.boundingBox();

    // Beside the outline: outside the grid, so nothing is set.
    await svg.click({ position: { x: 3, y: 3 } });
    await map.getByText("这里在网格范围以外").waitFor();
    assert.equal(await page.getByTestId("map-point").count(), 0);
    assert.equal(await page.getByTestId("position").count(), 0);

    // A quarter in from the west and from the north of the drawing: inside.
    await svg.click({ position: { x: box.width / 4, y: box.height / 4 } });
    await page.getByTestId("map-point").waitFor({ state: "attached" });
    await page.getByTestId("position").waitFor();
    await page.getByLabel(/我确认以上内容属实/).check();
    await page.getByTestId("submit").click();
    await page.getByTestId("complaint-state").getByText("已提交").waitFor({ timeout: 30_000 });

    // Where that is: the drawing is the grid with 8 % of its longer side around it.
    const drawn = await (await fetch(`${server.url}/api/v1/regions/D01-S01-C01-G02/map`)).json();
    const [w, h] = [drawn.width, drawn.height];
    const margin = Math.round(0.08 * Math.max(w, h));
    const lon = drawn.west + ((w + 2 * margin) / 4 - margin) / drawn.units_per_lon;
    const lat = drawn.north - ((h + 2 * margin) / 4 - margin) / drawn.units_per_lat;
    const desk = await browser.newContext({ locale: "zh-CN" });
    const staff = await desk.newPage();
    await signInStaff(staff, server, "handler");
    const queue = await staff.evaluate(async () => (await fetch("/api/v1/queue?view=unit")).json());
    const [ticket] = queue.tickets.filter((t) => t.description === description);
    assert.equal(ticket.region_code, "D01-S01-C01-G02", "the server places the point in the grid");
    // And it is where the tap was: the open street light report nearest that place is
    // within 50 m (one pixel is about 6 m here; the other tests file 500 m away).
    const near = await (
      await fetch(`${server.url}/api/v1/nearby?matter_code=0201&lon=${lon}&lat=${lat}`)
    ).json();
    assert.equal(near.reports[0]?.distance_m, 50, JSON.stringify(near));
    assert.deepEqual(errors, []);
    await desk.close();
    await context.close();
  });

  test("a done ticket rated dissatisfied goes back to its unit", async () => {
    // Filed through the API, handled by the unit in the staff app's API.
    const filed = await fetch(`${server.url}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: `e2e-rate-${Date.now()}`,
        matter_code: "0201",
        description: "路灯不亮（评价）",
        lon: 120.41,
        lat: 36.069,
        contact_phone: "13700005678",
      }),
    });
    const { tracking_code: code } = await filed.json();
    await unitActs(code, [{ action: "accept" }, { action: "resolve", note: "已修复" }]);

    const context = await phone(browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/track/${code}`);
    await page.getByLabel("联系电话后四位").fill("5678");
    await page.getByRole("button", { name: "查询" }).click();
    const form = page.getByTestId("rating-form");
    await form.getByText("再次不满意由督办人员复核").waitFor();
    await form.getByLabel("意见（选填）").fill("晚上还是不亮");
    await page.getByTestId("rate-dissatisfied").click();
    await page.getByTestId("status").getByText("已派单").waitFor();
    await page.getByTestId("timeline").getByText("群众不满意，重新办理").waitFor();
    await form.waitFor({ state: "detached" });
    const ticket = await publicTicket(code);
    assert.equal(ticket.reopen_count, 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a resident sees the same problem reported nearby, follows it, and hears of its progress", async () => {
    // Someone reported this street light already; a water problem nearby is another matter.
    const place = { lon: 120.415, lat: 36.069 };
    const fileViaApi = async (matter_code, description) => {
      const filed = await fetch(`${server.url}/api/v1/tickets`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ matter_code, description, ...place, contact_phone: "13700001111" }),
      });
      assert.equal(filed.status, 201);
      return (await filed.json()).tracking_code;
    };
    const lead = await fileViaApi("0201", "路灯坏了（先报的）");
    await fileViaApi("0302", "水压低");

    // About 18 m away.
    const context = await browser.newContext({
      ...PHONE,
      locale: "zh-CN",
      geolocation: { longitude: 120.4152, latitude: 36.069, accuracy: 10 },
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/file`);
    await describeStreetLight(page, "门口路灯又坏了");
    await page.getByRole("button", { name: "使用当前位置" }).click();
    const reports = page.getByTestId("nearby-report");
    await reports.first().waitFor();
    assert.equal(await reports.count(), 1, "the street light only");
    const shown = await reports.first().textContent();
    for (const part of ["已派单", "50 米以内", "今天"]) assert.ok(shown.includes(part), shown);
    assert.ok(!shown.includes(lead), "no tracking code is shown");
    await reports.first().getByRole("button", { name: "关注这条" }).click();
    await page.getByTestId("following").waitFor();
    // The choice is part of the draft: a reload keeps it.
    page.on("console", (m) => console.log("CONSOLE", m.type(), m.text()));
    await page.reload();
    await page.getByTestId("draft-restored").waitFor();
    console.log("SRC", await page.evaluate(() => [...document.querySelectorAll("video")].map((v) => v.src + " " + v.readyState)));
    await page.getByTestId("following").waitFor();
    await page.getByTestId("nearby-report").getByRole("button", { name: "取消关注" }).waitFor();

    await page.getByLabel("联系电话（选填）").fill("13912345678");
    await page.getByLabel(/我确认以上内容属实/).check();
    await page.getByTestId("submit").click();
    await page.getByTestId("complaint-state").getByText("已提交").waitFor();
    const code = (await page.getByTestId("tracking-code").first().textContent()).trim();
    await page.getByTestId("status").getByText("已合并办理").waitFor();
    await page.getByTestId("timeline").getByText(/合并办理/).waitFor();
    const mine = await publicTicket(code);
    assert.equal(mine.merged, true);
    assert.ok(!JSON.stringify(mine).includes(lead), "the lead's code is not told");

    // The unit works on the report it follows; the step reaches this complaint too.
    await unitActs(lead, [{ action: "accept" }]);
    await page.reload();
    await page.getByTestId("timeline").getByText("承办单位已签收").waitFor();
    assert.deepEqual(
      (await publicTicket(code)).timeline.map((e) => e.kind),
      ["received", "merged", "accept"]
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
});
