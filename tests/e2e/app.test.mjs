// End to end, in headless Chromium against the real server with demo data.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { closeAll, launch, phone, untilOfflineReady, watchErrors } from "./browser.mjs";
import { startServer } from "./server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await closeAll();
  await browser?.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, "the server shuts down cleanly on SIGTERM");
  }
});

describe("the apps", () => {
  test("both load in Chinese with a strict CSP and no errors", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const response = await page.goto(server.url);
    assert.match(response.headers()["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    await page.getByRole("heading", { name: "群众诉求" }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    const nav = page.locator("nav.bottom-nav");
    for (const label of ["首页", "我要投诉", "我的投诉", "查进度"]) {
      await nav.getByText(label, { exact: true }).waitFor();
    }
    // Reference data from the API: the most filed kinds, as shortcuts into filing.
    await page.getByTestId("categories").getByText("路灯不亮").waitFor();
    // The staff app is a separate program behind a plain link.
    await page.getByTestId("staff-entry").click();
    await page.waitForURL(`${server.url}/staff/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    const staffNav = page.locator("nav.bottom-nav");
    for (const label of ["工作台", "工单"]) {
      await staffNav.getByText(label, { exact: true }).waitFor();
    }
    // The field app (patrols) is the third program, the station app the fourth.
    await page.goto(`${server.url}/field/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    for (const label of ["工作台", "网格员"]) {
      await page.locator("nav.bottom-nav").getByText(label, { exact: true }).waitFor();
    }
    await page.goto(`${server.url}/station/`);
    await page.getByRole("heading", { name: "驿站代办" }).waitFor();
    await page.getByRole("heading", { name: "登记本平板" }).waitFor();
    // The fifth: statistics, for supervisors' desks.
    await page.goto(`${server.url}/stats/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    for (const label of ["工作台", "统计", "报表", "热点"]) {
      await page.locator("nav.bottom-nav").getByText(label, { exact: true }).waitFor();
    }
    // The sixth: the hotline operators' seat.
    await page.goto(`${server.url}/hotline/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    for (const label of ["工作台", "热线"]) {
      await page.locator("nav.bottom-nav").getByText(label, { exact: true }).waitFor();
    }
    assert.deepEqual(errors, [], "no console errors (CSP violations would appear here)");
    await context.close();
  });

  test("switches to English and remembers it across a reload", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { name: "File a complaint" }).waitFor();
    await page.locator("nav.bottom-nav").getByText("Track", { exact: true }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await page.reload();
    await page.getByRole("heading", { name: "File a complaint" }).waitFor();
    assert.equal(await page.getByTestId("lang-switch").textContent(), "中文");
    // The staff app shares the choice (same origin, same storage).
    await page.goto(`${server.url}/staff/`);
    await page.getByRole("heading", { name: "Staff desk" }).waitFor();
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await context.close();
  });

  test("each app opens and navigates with the network off after one visit", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("heading", { name: "群众诉求" }).waitFor();
    await untilOfflineReady(page);
    await page.goto(`${server.url}/staff/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await untilOfflineReady(page);
    await page.goto(`${server.url}/field/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await untilOfflineReady(page);
    await page.goto(`${server.url}/station/`);
    await page.getByRole("heading", { name: "驿站代办" }).waitFor();
    await untilOfflineReady(page);
    await page.goto(`${server.url}/stats/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await untilOfflineReady(page);
    await page.goto(`${server.url}/hotline/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await untilOfflineReady(page);

    await context.setOffline(true);
    // The resident app: reload, navigate, deep link, all from its own cache.
    await page.goto(server.url);
    await page.getByRole("heading", { name: "群众诉求" }).waitFor();
    // What filing needs was kept on the device the first time.
    await page.getByTestId("categories").getByText("路灯不亮").waitFor();
    await page.locator("nav.bottom-nav").getByText("查进度", { exact: true }).click();
    await page.getByRole("heading", { name: "查询办理进度" }).waitFor();
    // The API is out of reach: the page says so plainly.
    await page.getByLabel("查询码").fill("ABCD2345");
    await page.getByLabel("联系电话后四位").fill("5678");
    await page.getByRole("button", { name: "查询" }).click();
    await page.getByTestId("error-notice").getByText("网络不可用").waitFor();
    await page.goto(`${server.url}/track/ABCD2345`);
    await page.getByRole("heading", { name: "查询办理进度" }).waitFor();
    // The staff app, from its cache.
    await page.goto(`${server.url}/staff/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await page.locator("nav.bottom-nav").getByText("工单", { exact: true }).click();
    await page.getByRole("heading", { name: "工单台" }).waitFor();
    // The field app, from its own.
    await page.goto(`${server.url}/field/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await page.locator("nav.bottom-nav").getByText("网格员", { exact: true }).click();
    await page.getByRole("heading", { name: "网格巡查" }).waitFor();
    // The station app, from its own.
    await page.goto(`${server.url}/station/`);
    await page.getByRole("heading", { name: "驿站代办" }).waitFor();
    // The statistics app, from its own.
    await page.goto(`${server.url}/stats/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await page.locator("nav.bottom-nav").getByText("报表", { exact: true }).click();
    await page.getByRole("heading", { name: "报表" }).waitFor();
    // The hotline console, from its own.
    await page.goto(`${server.url}/hotline/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await page.locator("nav.bottom-nav").getByText("热线", { exact: true }).click();
    await page.getByRole("heading", { name: "热线坐席" }).waitFor();
    await context.setOffline(false);
    await context.close();
  });

  test("staff sign-in shows the server's errors as friendly messages", async () => {
    assert.ok(server.logins.worker, "the server printed the demo logins");
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/staff/`);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("error-notice").getByText("用户名：必填").waitFor();
    await page.getByLabel("用户名").fill("worker");
    await page.getByLabel("密码").fill("not the password");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("error-notice").getByText("用户名或密码不正确。").waitFor();
    await page.getByLabel("密码").fill(server.logins.worker);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("signed-in").getByText("网格员 刘洋").waitFor();
    // The session survives a reload (HttpOnly cookie), and sign-out ends it.
    await page.reload();
    await page.getByTestId("signed-in").waitFor();
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByLabel("用户名").waitFor();
    await context.close();
  });

  test("a late answer to 'who is signed in?' neither empties the form nor undoes a sign-in", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    // The page asks who is signed in as it starts; its answer (401: nobody yet) is held
    // back here and let through when the test says so, as a slow network would.
    const held = [];
    await page.route("**/api/v1/auth/me", async (route) => {
      const response = await route.fetch();
      await new Promise((release) => held.push(release));
      await route.fulfill({ response });
    });
    const answered = () => page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/me"));
    const release = async () => {
      while (held.length === 0) await new Promise((r) => setTimeout(r, 20));
      const delivered = answered();
      held.shift()();
      await delivered;
      // Let the app handle it (two frames).
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    };

    // The answer arrives while the form is being filled: what was typed stays.
    await page.goto(`${server.url}/staff/`);
    await page.getByLabel("用户名").fill("handler");
    await page.getByLabel("密码").fill(server.logins.handler);
    await release();
    assert.equal(await page.getByLabel("用户名").inputValue(), "handler");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("signed-in").waitFor();

    // Signed out and in again before the answer (asked while signed out) arrives:
    // the sign-in stands.
    await page.getByRole("button", { name: "退出登录" }).click();
    // Signed out here and on the server before the reload (else the reloaded page
    // still remembers the account).
    await page.getByLabel("用户名").waitFor();
    await page.reload();
    await page.getByLabel("用户名").fill("handler");
    await page.getByLabel("密码").fill(server.logins.handler);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("signed-in").waitFor();
    await release();
    assert.ok(await page.getByTestId("signed-in").isVisible(), "still signed in");
    await context.close();
  });

  test("a new release is announced and replaces the old cache", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await untilOfflineReady(page);
    const before = await page.evaluate(() => caches.keys());
    assert.equal(before.filter((k) => k.startsWith("gridline-shell:/:")).length, 1);

    // Publish a "new release": the same files under a new build id.
    const swPath = join(server.dist, "sw.js");
    const sw = readFileSync(swPath, "utf8");
    writeFileSync(swPath, sw.replace(/^const BUILD = .*;$/m, 'const BUILD = "e2e-next-release";'));

    await page.reload();
    await page.getByTestId("update-banner").waitFor({ timeout: 30_000 });
    await Promise.all([
      page.waitForEvent("load"),
      page.getByTestId("update-banner").getByRole("button", { name: "立即更新" }).click(),
    ]);
    await page.getByRole("heading", { name: "群众诉求" }).waitFor();
    const keys = await page.evaluate(async () => {
      // The old worker's cache is dropped when the new one activates.
      for (let i = 0; i < 50; i++) {
        const k = (await caches.keys()).filter((k) => k.startsWith("gridline-shell:/:"));
        if (k.length === 1) return k;
        await new Promise((r) => setTimeout(r, 100));
      }
      return caches.keys();
    });
    assert.deepEqual(keys, ["gridline-shell:/:e2e-next-release"]);
    assert.equal(await page.getByTestId("update-banner").count(), 0);
    await context.close();
  });
});
