// Accessibility, end to end: axe-core (npm @axe-core/playwright, in Debian's Chromium)
// over every page of every app, in the states their users see them (signed out and in,
// with a ticket, with the form's errors shown): no serious or critical violation of
// WCAG 2.1 A/AA. Each finding is printed with its rule, its elements and the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";

import { closeAll, launch, phone, signInStaff, watchErrors } from "./browser.mjs";
import { fileStreetLight, startServer } from "./server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await closeAll();
  await browser?.close();
  if (server) await server.stop();
});

/// The serious and critical violations on the page as it is now, one line each.
async function violations(page, where) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("accessibility (axe-core)", () => {
  test("no serious or critical violations on any page of any app", async () => {
    const found = [];
    const code = await fileStreetLight(server);

    // The resident app, on a phone.
    const resident = await phone(browser);
    const page = await resident.newPage();
    const errors = watchErrors(page);
    const visit = async (path, ready, where = path) => {
      await page.goto(`${server.url}${path}`);
      await ready(page).waitFor();
      found.push(...(await violations(page, where)));
    };
    await visit("/", (p) => p.getByTestId("categories").locator("a, button").first());
    await visit("/file", (p) => p.getByTestId("common-matters").getByRole("button").first());
    await page.getByTestId("submit").click();
    await page.getByTestId("file-problem").waitFor();
    found.push(...(await violations(page, "/file (errors shown)")));
    await page.getByLabel("社区").selectOption({ label: "青松社区" });
    await page.getByLabel("网格").selectOption({ label: "青松第二网格" });
    await page.getByTestId("grid-map").waitFor();
    found.push(...(await violations(page, "/file (the grid's map)")));
    await visit("/mine", (p) => p.locator("h1").first());
    await visit("/track", (p) => p.getByRole("button").first());
    await visit(`/track/${code}`, (p) => p.getByRole("button").first(), "/track/CODE");
    await page.getByLabel(/后四位/).fill("5678");
    await page.getByLabel(/后四位/).press("Enter");
    await page.getByTestId("timeline").waitFor();
    found.push(...(await violations(page, "/track/CODE (the ticket)")));
    await page.getByTestId("lang-switch").click();
    found.push(...(await violations(page, "/track/CODE (English)")));
    assert.deepEqual(errors, []);
    await resident.close();

    // The staff, field and statistics apps, on a desk.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const staff = await desk.newPage();
    const staffErrors = watchErrors(staff);
    await staff.goto(`${server.url}/staff/`);
    await staff.getByLabel("用户名").waitFor();
    found.push(...(await violations(staff, "/staff/ (sign-in)")));
    const desks = [
      ["dispatcher", "/staff/tickets", (p) => p.getByTestId("queue").or(p.getByTestId("queue-empty"))],
      ["dispatcher", `/staff/tickets/${code}`, (p) => p.getByTestId("timeline")],
      ["handler", "/staff/tickets", (p) => p.getByTestId("queue").or(p.getByTestId("queue-empty"))],
      ["supervisor", "/stats/ranking", (p) => p.locator("table").first()],
      ["supervisor", "/stats/figures", (p) => p.locator("table").first()],
      ["supervisor", "/stats/reports", (p) => p.getByTestId("report")],
      ["supervisor", "/stats/hotspots", (p) => p.getByTestId("heat")],
      ["supervisor", "/stats/topics", (p) => p.getByTestId("suggestions")],
      ["worker", "/field/worker", (p) => p.getByRole("button").first()],
      ["admin", "/hotline/knowledge", (p) => p.getByTestId("kb-entry")],
      ["operator", "/hotline/calls", (p) => p.getByTestId("waiting")],
    ];
    let signedIn = null;
    for (const [user, path, ready] of desks) {
      if (signedIn !== user) {
        await desk.clearCookies();
        await signInStaff(staff, server, user, `/${path.split("/")[1]}/`);
        found.push(...(await violations(staff, `${path.split("/")[1]} home (${user})`)));
        signedIn = user;
      }
      await staff.goto(`${server.url}${path}`);
      await ready(staff).first().waitFor();
      found.push(...(await violations(staff, `${path} (${user})`)));
    }
    // The hotline seat with a call taken (a number typed by hand): its three panels.
    await staff.getByLabel("来电号码").fill("13812345678");
    await staff.getByRole("button", { name: "接听" }).click();
    await staff.getByTestId("caller-ticket").first().waitFor();
    await staff.getByLabel("来电内容").fill("路灯不亮");
    await staff.getByRole("button", { name: "查知识库" }).click();
    await staff.getByTestId("knowledge-entry").first().waitFor();
    found.push(...(await violations(staff, "/hotline/calls (a call)")));
    assert.deepEqual(staffErrors, []);
    await desk.close();

    // The station app, on a tablet: enrolment first.
    const tablet = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: "zh-CN" });
    const counter = await tablet.newPage();
    await counter.goto(`${server.url}/station/`);
    await counter.getByLabel("登记码").waitFor();
    found.push(...(await violations(counter, "/station/ (enrolment)")));
    const enrolled = server.admin("station", "enroll", "QS-01");
    await counter.getByLabel("登记码").fill(enrolled.match(/:\s+([A-Z2-9]{5}-[A-Z2-9]{5})/)[1]);
    await counter.getByLabel(/平板名称/).fill("1 号窗口");
    await counter.getByRole("button", { name: "登记" }).click();
    await counter.getByLabel("用户名").fill("station");
    await counter.getByLabel("密码").fill(server.logins.station);
    await counter.getByRole("button", { name: "登录" }).click();
    await counter.getByTestId("station-name").waitFor();
    found.push(...(await violations(counter, "/station/ (filing)")));
    await tablet.close();

    assert.deepEqual(found, [], `\n${found.join("\n")}`);
  });
});
