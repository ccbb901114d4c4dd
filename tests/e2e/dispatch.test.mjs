// End to end, in headless Chromium against the real server with demo data: a
// resident's complaint reaches the right unit's queue, is accepted, updated with a
// photo and resolved in the staff app; the resident's open page shows each step as it
// happens, and the resident's phone is pushed a notification of it (Web Push).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { closeAll, launch, makeClip, phone, signInStaff, watchErrors } from "./browser.mjs";
import { deliverToServiceWorker, fakeSubscription, startPushService } from "./push.mjs";
import { fileStreetLight, startServer } from "./server.mjs";

const PHOTO = resolve(import.meta.dirname, "../../server/tests/fixtures/photo.jpg");

let server;
let browser;
let push;

before(async () => {
  push = await startPushService();
  // The push service stands in on loopback, which the server refuses by default.
  server = await startServer({ env: { GRIDLINE_PUSH_ALLOW_LOOPBACK: "true" } });
  browser = await launch();
});

after(async () => {
  await closeAll();
  await browser?.close();
  if (server) await server.stop();
  await push?.close();
});

async function until(done, what, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/// Files a complaint as a resident would (the filing screens come with the resident
/// issue): a street light out in 青松 grid 2, which the demo routes to U-CM; or, at a
/// position outside every grid, one that waits for a dispatcher.
function fileComplaint({ lon = 120.41, lat = 36.069 } = {}) {
  return fileStreetLight(server, { description: "小区门口路灯不亮，晚上很黑", contact_name: "张三", lon, lat });
}

function desk() {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
}

async function openTicket(page, tab, code) {
  await page.goto(`${server.url}/staff/tickets`);
  await page.getByTestId(`tab-${tab}`).click();
  const row = page.locator(`.queue-row[data-code="${code}"]`);
  await row.getByRole("link").click();
  await page.getByTestId("ticket").waitFor();
  return row;
}

/// Chooses an action, fills its form, confirms, and waits for the timeline to show it.
async function act(page, action, fill = async () => {}) {
  await page.locator(`[data-action="${action}"]`).click();
  const form = page.getByTestId("action-form");
  await fill(form);
  await form.getByRole("button", { name: /^确认/ }).click();
  await form.waitFor({ state: "detached" });
}

describe("dispatch", () => {
  test("a complaint goes to its unit, is handled with a photo and a clip, and the resident follows it", async () => {
    const code = await fileComplaint();
    const staff = await desk();
    const page = await staff.newPage();
    const errors = watchErrors(page);
    await signInStaff(page, server, "handler");

    // The unit's queue lists it; the ticket page shows the contact in full.
    await page.getByRole("link", { name: /工单台/ }).click();
    await page.getByTestId("tab-unit").waitFor();
    const row = page.locator(`.queue-row[data-code="${code}"]`);
    await row.getByText("已派单").waitFor();
    await row.getByText("城市管理局", { exact: false }).waitFor();
    await row.getByRole("link").click();
    await page.getByTestId("contact").getByText("张三 13812345678").waitFor();
    await page.getByTestId("matter").getByText("路灯", { exact: false }).waitFor();

    await act(page, "accept");
    await page.getByTestId("status").getByText("已签收").waitFor();

    // The resident follows it with the code and the phone's last four digits, and keeps
    // the page open: each step shows up without a reload.
    const context = await phone(browser);
    const subscription = push.subscription("/resident-phone");
    await context.addInitScript(fakeSubscription(subscription.endpoint, subscription.keys));
    const resident = await context.newPage();
    const residentErrors = watchErrors(resident);
    await resident.goto(`${server.url}/track/${code}`);
    await resident.getByLabel("联系电话后四位").fill("5678");
    await resident.getByRole("button", { name: "查询" }).click();
    await resident.getByTestId("status").getByText("已签收").waitFor();
    // Notifications are offered, not asked for on load; the resident says yes.
    const notify = resident.getByTestId("notify").getByRole("button", { name: "开启进度通知" });
    await notify.waitFor();
    assert.equal(await resident.evaluate(() => Notification.permission), "default");
    await context.grantPermissions(["notifications"], { origin: server.url });
    await notify.click();
    await resident.getByTestId("notify-on").waitFor();
    const key = await (await fetch(`${server.url}/api/v1/push/key`)).json();
    const given = await resident.evaluate(() => window.__gridlinePushKey);
    assert.equal(Buffer.from(given, "base64").toString("base64url"), key.public_key);

    await act(page, "progress", async (form) => {
      await form.getByLabel("说明").fill("已到现场，路灯所正在更换灯泡");
      await form.getByLabel("照片").setInputFiles(PHOTO);
      // And a short clip of the work, picked from the phone.
      const clip = Buffer.from(await makeClip(page));
      await form.getByTestId("clip-input").setInputFiles({ name: "work.webm", mimeType: "video/webm", buffer: clip });
      await page.waitForFunction(() => ((v) => v && !v.hidden && v.readyState >= 1)(document.querySelector("[data-testid=clip-playback]")));
    });
    await page.getByTestId("status").getByText("办理中").waitFor();
    await act(page, "resolve", async (form) => {
      await form.getByLabel("答复群众").fill("已更换灯泡，恢复照明。感谢您的反映！");
    });
    await page.getByTestId("status").getByText("已办结").waitFor();
    // The resident's open page shows it within 2 seconds (server-sent events).
    await resident.getByTestId("status").getByText("已办结").waitFor({ timeout: 2000 });
    // The push service got each public step, signed and encrypted for this phone.
    const resolved = () =>
      push.received.find((r) => r.path === "/resident-phone" && r.plaintext?.includes("已办结"));
    await until(resolved, "the push of the resolution");
    assert.deepEqual(push.received.filter((r) => r.error), []);
    assert.ok(push.received.every((r) => r.key === key.public_key));
    const message = JSON.parse(resolved().plaintext);
    assert.equal(message.url, `/track/${code}`);
    assert.equal(message.body, "已办结：已更换灯泡，恢复照明。感谢您的反映！");
    // Handed to the page's service worker, it shows the notification.
    await deliverToServiceWorker(context, resident, server.url, `${server.url}/`, resolved().plaintext);
    await resident.waitForFunction(async (code) => {
      const registration = await navigator.serviceWorker.ready;
      const shown = await registration.getNotifications();
      return shown.some((n) => n.title.includes(code) && n.body.startsWith("已办结") && n.data.url === `/track/${code}`);
    }, code);
    // Done tickets leave the unit's queue.
    await page.locator("nav.bottom-nav").getByText("工单", { exact: true }).click();
    await page.getByTestId("tab-unit").waitFor();
    await page.getByTestId("queue-empty").waitFor();
    assert.deepEqual(errors, []);
    await staff.close();

    // The whole timeline, as the resident's page shows it now.
    const timeline = resident.getByTestId("timeline");
    await timeline.waitFor();
    const steps = await timeline.locator("li").evaluateAll((items) =>
      items.map((li) => li.dataset.kind)
    );
    assert.deepEqual(steps, ["received", "dispatched", "accept", "progress", "resolve"]);
    for (const text of ["诉求已受理", "派单至承办单位", "承办单位已签收", "办理进展", "已办结并答复"]) {
      await timeline.getByText(text).first().waitFor();
    }
    await timeline.getByText("已更换灯泡，恢复照明。感谢您的反映！").waitFor();
    await resident.getByTestId("status").getByText("已办结").waitFor();
    // The progress photo loads (through the ticket, with the proof); its bytes are the
    // ones the server stored under that id (the app made the photo small first).
    const img = timeline.locator('li[data-kind="progress"] img');
    await img.waitFor();
    await resident.waitForFunction(
      (el) => el.complete && el.naturalWidth > 0,
      await img.elementHandle()
    );
    const src = await img.getAttribute("src");
    const bytes = Buffer.from(await (await fetch(new URL(src, server.url))).arrayBuffer());
    const id = new URL(src, server.url).pathname.split("/").pop();
    assert.equal(createHash("sha256").update(bytes).digest("hex"), id);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], "a JPEG");
    // Its clip plays there too.
    await resident.waitForFunction(
      () => document.querySelector('[data-testid=timeline] li[data-kind="progress"] video')?.readyState >= 1
    );
    // Personal data stays masked for the public.
    assert.equal(await resident.getByText("13812345678").count(), 0);
    assert.deepEqual(residentErrors, []);
    await context.close();
  });

  test("dispatchers route by hand, add co-handlers, change the tier and decide return requests", async () => {
    // Outside every grid: nobody is responsible, so it waits in the dispatchers' queue.
    const code = await fileComplaint({ lon: 100.0, lat: 20.0 });
    const dispatcherContext = await desk();
    const dispatcher = await dispatcherContext.newPage();
    const errors = watchErrors(dispatcher);
    await signInStaff(dispatcher, server, "dispatcher");
    const row = await openTicket(dispatcher, "dispatch", code);
    await dispatcher.getByTestId("lead-unit").getByText("未派单").waitFor();
    await act(dispatcher, "dispatch", async (form) => {
      await form.getByLabel("单位").selectOption("U-CM");
    });
    await dispatcher.getByTestId("lead-unit").getByText("城市管理局").waitFor();
    await dispatcher.getByTestId("status").getByText("已派单").waitFor();

    // A co-handling unit and a longer tier, each with its entry on the timeline. A live
    // reload that the co-handler's step sets off may land while the tier form is being
    // filled in (slowed here, as it happened on a slow CI machine): it must not redraw
    // the form under the dispatcher.
    const ticketUrl = new RegExp(`/api/v1/tickets/${code}$`);
    await dispatcher.route(ticketUrl, async (route) => {
      if (route.request().method() === "GET") await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await dispatcher.getByLabel("增加协办单位").selectOption("U-HC");
    await dispatcher.getByRole("button", { name: "增加协办单位" }).click();
    await dispatcher.getByTestId("co-units").getByText("住房和城乡建设局").waitFor();
    await dispatcher.getByLabel("办理时限（工作日）").selectOption("7");
    await dispatcher.getByLabel("理由").fill("需协调多个部门");
    await dispatcher.waitForTimeout(1500); // longer than a slowed reload takes
    await dispatcher.unrouteAll({ behavior: "wait" });
    assert.equal(await dispatcher.getByLabel("办理时限（工作日）").inputValue(), "7");
    assert.equal(await dispatcher.getByLabel("理由").inputValue(), "需协调多个部门");
    // Its own step is no news to it.
    assert.equal(await dispatcher.getByTestId("ticket-changed").count(), 0);
    await dispatcher.getByRole("button", { name: "调整时限" }).click();
    const timeline = dispatcher.getByTestId("timeline");
    await timeline.locator('li[data-kind="tier_changed"]').getByText("需协调多个部门", { exact: false }).waitFor();
    await timeline.locator('li[data-kind="co_unit_added"]').waitFor();

    // The unit cannot close it or pass it on; it asks to return it, with a reason.
    const handlerContext = await desk();
    const handler = await handlerContext.newPage();
    await signInStaff(handler, server, "handler");
    await openTicket(handler, "unit", code);
    const offered = await handler.locator("[data-action]").evaluateAll((b) => b.map((e) => e.dataset.action));
    assert.deepEqual(offered, ["accept", "request_return"]);
    await act(handler, "request_return", async (form) => {
      await form.getByLabel("理由").fill("该路段路灯属住建局管理");
    });
    await handler.getByTestId("ticket").locator(".ticket-header").getByText("退单申请待审").waitFor();

    // The dispatcher sees the request in the queue, approves it and re-dispatches.
    await dispatcher.goto(`${server.url}/staff/tickets`);
    await dispatcher.getByTestId("tab-dispatch").click();
    await row.getByText("退单申请待审").waitFor();
    await row.getByRole("link").click();
    await act(dispatcher, "approve_return", async (form) => {
      await form.getByLabel("单位").selectOption("U-HC");
    });
    await dispatcher.getByTestId("lead-unit").getByText("住房和城乡建设局").waitFor();
    const kinds = await dispatcher
      .getByTestId("timeline")
      .locator("li")
      .evaluateAll((items) => items.map((li) => li.dataset.kind));
    assert.deepEqual(kinds, [
      "received", "queued", "dispatch", "co_unit_added", "tier_changed", "request_return", "approve_return",
    ]);
    // It has left the first unit's queue.
    await openTicketGone(handler, code);
    assert.deepEqual(errors, []);
    await handlerContext.close();
    await dispatcherContext.close();
  });

  test("the unit's queue and ticket pages follow changes live, and say so where someone types", async () => {
    const staff = await desk();
    const queue = await staff.newPage();
    const errors = watchErrors(queue);
    await signInStaff(queue, server, "handler");
    await queue.goto(`${server.url}/staff/tickets`);
    await queue.getByTestId("tab-unit").waitFor();
    // A new complaint enters the open queue by itself.
    const code = await fileComplaint();
    const row = queue.locator(`.queue-row[data-code="${code}"]`);
    await row.getByText("已派单").waitFor({ timeout: 3000 });

    // A page of the ticket only looked at, while a colleague accepts it on another desk.
    const watching = await staff.newPage();
    await watching.goto(`${server.url}/staff/tickets/${code}`);
    await watching.getByTestId("status").getByText("已派单").waitFor();
    const colleague = await desk();
    const other = await colleague.newPage();
    await signInStaff(other, server, "handler");
    await other.goto(`${server.url}/staff/tickets/${code}`);
    await act(other, "accept");
    // The queue and the page show it at once.
    await row.getByText("已签收").waitFor({ timeout: 3000 });
    await watching.getByTestId("status").getByText("已签收").waitFor({ timeout: 3000 });

    // Where a note is being typed, the page keeps it and says the ticket changed, until
    // asked to refresh.
    await watching.locator('[data-action="progress"]').click();
    const note = watching.getByTestId("action-form").getByLabel("说明");
    await note.fill("正在联系路灯所");
    await act(other, "progress", async (form) => {
      await form.getByLabel("说明").fill("已到现场");
    });
    await watching.getByTestId("ticket-changed").waitFor({ timeout: 3000 });
    assert.equal(await note.inputValue(), "正在联系路灯所");
    await watching.getByTestId("status").getByText("已签收").waitFor();
    await watching.getByTestId("ticket-changed").getByRole("button", { name: "刷新" }).click();
    await watching.getByTestId("status").getByText("办理中").waitFor();
    assert.equal(await watching.getByTestId("ticket-changed").count(), 0);
    await row.getByText("办理中").waitFor({ timeout: 3000 });
    assert.deepEqual(errors, []);
    await colleague.close();
    await staff.close();
  });

  test("a unit sees an advance notice for next month and logs a measure", async () => {
    // Last year, from the previous system: street lights out three times in 青松 grid 2
    // in the week 52 weeks before the week four weeks from now (China time).
    const day = 24 * 3600e3;
    const chinaNow = Date.now() + 8 * 3600e3;
    const weekday = (new Date(chinaNow).getUTCDay() + 6) % 7;
    const monday = Math.floor(chinaNow / day) * day - weekday * day + 28 * day;
    const week = new Date(monday).toISOString().slice(0, 10);
    const lastYear = monday - 8 * 3600e3 - 364 * day;
    const rows = [0, 1, 2].map(
      (i) => `E2E-${i},${new Date(lastYear + (30 + i) * 3600e3).toISOString()},0201,D01-S01-C01-G02,U-CM`
    );
    const file = join(mkdtempSync(join(tmpdir(), "gridline-history-")), "history.csv");
    writeFileSync(file, ["source_id,received_at,matter_code,region_code,unit_code", ...rows].join("\n"));
    assert.match(server.admin("history", "import", file), /3 past ticket\(s\) imported/);

    const context = await desk();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signInStaff(page, server, "handler");
    await page.goto(`${server.url}/staff/tickets`);
    const notice = page.getByTestId("advance-board").locator(`li[data-matter="0201"][data-week="${week}"]`);
    await notice.waitFor();
    assert.equal(await notice.getByTestId("last-year").textContent(), "3");
    await notice.getByText("东山街道").waitFor();
    await notice.getByLabel("登记预防措施").fill("提前巡检青松路路灯线路");
    await notice.getByRole("button", { name: "登记" }).click();
    await notice.getByTestId("measures").getByText("城市管理局：提前巡检青松路路灯线路").waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a staff member's queue notifications last as long as the session", async () => {
    const context = await desk();
    const subscription = push.subscription("/dispatcher-desk");
    await context.addInitScript(fakeSubscription(subscription.endpoint, subscription.keys));
    await context.grantPermissions(["notifications"], { origin: server.url });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const pushedFor = (code) =>
      push.received.some((r) => r.path === "/dispatcher-desk" && r.plaintext?.includes(code));
    const openConsole = async () => {
      await page.goto(`${server.url}/staff/tickets`);
      // Allowed before: the console subscribes by itself, no button to press.
      await page.getByTestId("notify-on").waitFor();
    };
    await signInStaff(page, server, "dispatcher");
    await openConsole();
    const first = await fileComplaint({ lon: 100.0, lat: 20.0 });
    await until(() => pushedFor(first), "the push of a ticket entering the queue");

    // Signed out: the server forgets the subscription, nothing more is pushed to it.
    await page.goto(`${server.url}/staff/`);
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByLabel("用户名").waitFor();
    const unheard = await fileComplaint({ lon: 100.0, lat: 20.0 });

    // Signed in again, the console subscribes again for the new session.
    await signInStaff(page, server, "dispatcher");
    await openConsole();
    const again = await fileComplaint({ lon: 100.0, lat: 20.0 });
    await until(() => pushedFor(again), "the push after signing in again");
    assert.equal(pushedFor(unheard), false, "nothing pushed while signed out");
    assert.deepEqual(push.received.filter((r) => r.error), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

async function openTicketGone(page, code) {
  await page.goto(`${server.url}/staff/tickets`);
  await page.getByTestId("tab-unit").click();
  await page.getByTestId("queue-empty").or(page.getByTestId("queue")).waitFor();
  assert.equal(await page.locator(`.queue-row[data-code="${code}"]`).count(), 0);
}
