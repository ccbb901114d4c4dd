// End to end, in headless Chromium against the real server with demo data: a
// resident's complaint reaches the right unit's queue, is accepted, updated with a
// photo and resolved in the staff app; the resident's timeline shows each step.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { launch, phone, watchErrors } from "./browser.mjs";
import { startServer } from "./server.mjs";

const PHOTO = resolve(import.meta.dirname, "../../server/tests/fixtures/photo.jpg");

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

/// Files a complaint as a resident would (the filing screens come with the resident
/// issue): a street light out in 青松 grid 2, which the demo routes to U-CM.
async function fileComplaint() {
  const response = await fetch(`${server.url}/api/v1/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: `e2e-${Date.now()}`,
      matter_code: "0201",
      description: "小区门口路灯不亮，晚上很黑",
      lon: 120.41,
      lat: 36.069,
      address: "青松路 12 号",
      contact_name: "张三",
      contact_phone: "13812345678",
    }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).tracking_code;
}

async function signIn(page, username) {
  await page.goto(`${server.url}/staff/`);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(server.logins[username]);
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByTestId("signed-in").waitFor();
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
  test("a complaint goes to its unit, is handled with a photo, and the resident follows it", async () => {
    const code = await fileComplaint();
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await desk.newPage();
    const errors = watchErrors(page);
    await signIn(page, "handler");

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
    await act(page, "progress", async (form) => {
      await form.getByLabel("说明").fill("已到现场，路灯所正在更换灯泡");
      await form.getByLabel("照片").setInputFiles(PHOTO);
    });
    await page.getByTestId("status").getByText("办理中").waitFor();
    await act(page, "resolve", async (form) => {
      await form.getByLabel("答复群众").fill("已更换灯泡，恢复照明。感谢您的反映！");
    });
    await page.getByTestId("status").getByText("已办结").waitFor();
    // Done tickets leave the unit's queue.
    await page.locator("nav.bottom-nav").getByText("工单", { exact: true }).click();
    await page.getByTestId("tab-unit").waitFor();
    await page.getByTestId("queue-empty").waitFor();
    assert.deepEqual(errors, []);
    await desk.close();

    // The resident follows it with the code and the phone's last four digits.
    const context = await phone(browser);
    const resident = await context.newPage();
    const residentErrors = watchErrors(resident);
    await resident.goto(`${server.url}/track/${code}`);
    await resident.getByLabel("联系电话后四位").fill("5678");
    await resident.getByRole("button", { name: "查询" }).click();
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
    // The progress photo loads (through the ticket, with the proof) and is the photo
    // the unit chose, byte for byte.
    const img = timeline.locator('li[data-kind="progress"] img');
    await img.waitFor();
    await resident.waitForFunction(
      (el) => el.complete && el.naturalWidth > 0,
      await img.elementHandle()
    );
    const src = await img.getAttribute("src");
    const bytes = Buffer.from(await (await fetch(new URL(src, server.url))).arrayBuffer());
    assert.deepEqual(bytes, readFileSync(PHOTO));
    // Personal data stays masked for the public.
    assert.equal(await resident.getByText("13812345678").count(), 0);
    assert.deepEqual(residentErrors, []);
    await context.close();
  });
});
