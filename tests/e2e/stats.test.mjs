// End to end, in headless Chromium against the real server with demo data: the
// supervisors' dashboard ranks the units for the month, and a drill-down lists exactly
// the tickets behind a number (checked against each ticket's own deadline and state,
// read from the ticket API); figures by matter type for a chosen period; similar
// reports on a ticket's page; the reports page and its CSV, and the grid heat view.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { closeAll, launch, signInStaff, watchErrors } from "./browser.mjs";
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
  if (server) await server.stop();
});

/// Files a complaint in 青松 grid 2 (a street light goes to U-CM, low water pressure
/// to the water company).
async function file(matter) {
  const response = await fetch(`${server.url}/api/v1/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`,
      matter_code: matter,
      description: "统计测试",
      lon: 120.41,
      lat: 36.069,
      address: "青松路 12 号",
    }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).tracking_code;
}

/// Signs in through the API in a browser context (its cookies); the CSRF token back.
async function apiSignIn(context, username) {
  const response = await context.request.post(`${server.url}/api/v1/auth/login`, {
    data: { username, password: server.logins[username] },
  });
  assert.equal(response.status(), 200);
  return (await response.json()).csrf_token;
}

/// `YYYY-MM` of an instant in China time.
function chinaMonth(iso) {
  return new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 7);
}

/// The first day of the month after `YYYY-MM`.
function nextMonth(month) {
  const [year, m] = month.split("-").map(Number);
  return m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, "0")}-01`;
}

async function listed(page) {
  const codes = await page
    .getByTestId("drill-down")
    .locator("li.queue-row")
    .evaluateAll((rows) => rows.map((r) => r.dataset.code));
  return codes.sort();
}

describe("statistics", () => {
  test("the dashboard ranks the units; a drill-down lists exactly the tickets counted", async () => {
    const lights = [await file("0201"), await file("0201"), await file("0201")];
    const water = await file("0302");

    // The unit accepts two of its three tickets (in time: the response deadline is
    // hours away).
    const handler = await browser.newContext();
    const csrf = await apiSignIn(handler, "handler");
    for (const code of lights.slice(0, 2)) {
      const r = await handler.request.post(`${server.url}/api/v1/tickets/${code}/actions`, {
        headers: { "x-csrf-token": csrf },
        data: { action: "accept" },
      });
      assert.equal(r.status(), 200, await r.text());
    }
    await handler.close();

    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const page = await desk.newPage();
    const errors = watchErrors(page);
    // The statistics app has its own start page; one sign-in serves every staff app.
    await signInStaff(page, server, "supervisor", "/stats/");

    // What counts, from each ticket's own deadline and unit: the month of the street
    // lights' handling deadline.
    const views = {};
    for (const code of [...lights, water]) {
      const r = await page.request.get(`${server.url}/api/v1/tickets/${code}`);
      assert.equal(r.status(), 200);
      views[code] = await r.json();
    }
    const month = chinaMonth(views[lights[0]].handling_due);
    const due = (code) => chinaMonth(views[code].handling_due) === month;
    const lightsDue = lights.filter(due).sort();
    assert.equal(lightsDue.length, 3, "filed together with one tier: one deadline month");
    const units = [...new Set(Object.values(views).filter((v) => due(v.tracking_code)).map((v) => v.lead_unit_code))];

    await page.getByRole("link", { name: "统计", exact: true }).click();
    await page.getByTestId("month").fill(month);
    const table = page.getByTestId("figures-unit");
    const cm = table.locator('tbody tr[data-code="U-CM"]');
    await cm.locator('[data-measure="tickets"]').getByText("3", { exact: true }).waitFor();
    const ranked = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.code));
    assert.deepEqual([...ranked].sort(), [...units].sort(), "every unit with a ticket due, and only those");
    await cm.getByRole("rowheader").getByText("城市管理局").waitFor();
    // Nothing is due yet: the on-time rate is "—"; accepted 2 of 2 counted: 100 %.
    assert.equal(await cm.locator('[data-measure="on_time"]').textContent(), "—");
    assert.equal(await cm.locator('[data-measure="response"]').textContent(), "100.0%");
    // Ranked by response rate, U-CM (100 %) leads the units with nothing counted.
    await page.getByTestId("rank-by").selectOption("response");
    const leader = table.locator('tbody tr:first-child[data-code="U-CM"]');
    await leader.waitFor();
    assert.equal(await leader.locator("td").first().textContent(), "1");
    // A year of trend, this month last.
    await cm.locator("svg.sparkline").waitFor();

    // The tickets behind U-CM's count: exactly its three.
    await cm.locator('[data-measure="tickets"]').click();
    await page.locator('[data-testid="drill-count"][data-count="3"]').waitFor();
    assert.deepEqual(await listed(page), lightsDue);
    // Behind its response rate: the two accepted; the third is not due for a response.
    await cm.locator('[data-measure="response"]').click();
    await page.locator('[data-testid="drill-count"][data-count="2"]').waitFor();
    assert.deepEqual(await listed(page), lights.slice(0, 2).sort());
    const first = page.getByTestId("drill-down").locator(`li[data-code="${lights[0]}"]`);
    await first.getByText("按时接单").waitFor();
    await first.getByText("未到期").waitFor();
    // Behind the total's count: every ticket due in the month.
    await table.locator('tfoot [data-measure="tickets"]').click();
    const all = Object.keys(views).filter(due).sort();
    await page.locator(`[data-testid="drill-count"][data-count="${all.length}"]`).waitFor();
    assert.deepEqual(await listed(page), all);
    // Any period, by matter type: the street lights' row and the tickets behind it.
    await page.locator("nav.bottom-nav").getByText("分组统计", { exact: true }).click();
    await page.getByTestId("group-by").selectOption("matter");
    await page.getByTestId("figures-from").fill(`${month}-01`);
    await page.getByTestId("figures-to").fill(nextMonth(month));
    const lightsRow = page.getByTestId("figures-matter").locator('tbody tr[data-code="0201"]');
    await lightsRow.getByText("路灯不亮").waitFor();
    await lightsRow.locator('[data-measure="tickets"]').getByText("3", { exact: true }).waitFor();
    await lightsRow.locator('[data-measure="tickets"]').click();
    await page.locator('[data-testid="drill-count"][data-count="3"]').waitFor();
    assert.deepEqual(await listed(page), lightsDue);

    // A listed ticket opens its page (in the staff app).
    await page.getByTestId("drill-down").locator(`li[data-code="${lights[0]}"] a`).click();
    await page.getByTestId("ticket").waitFor();
    // The same light reported three times at one place: the ticket page shows the other
    // two as similar reports (重复诉求); the water pressure report there is another kind.
    const similar = page.getByTestId("similar");
    await similar.getByText("2 条相似诉求").waitFor();
    // The page may draw the list again (a live change reloads the ticket): wait for both.
    for (const code of lights.slice(1)) await similar.locator(`li[data-code="${code}"]`).waitFor();
    const similarCodes = await similar.locator("li").evaluateAll((rows) => rows.map((r) => r.dataset.code));
    assert.deepEqual(similarCodes.sort(), lights.slice(1).sort());
    // The supervisor merges it into the second: closed as merged, following that one.
    await similar.locator(`li[data-code="${lights[1]}"]`).getByTestId("merge-into").click();
    await page.getByTestId("ticket").getByTestId("status").first().getByText("已合并办理").waitFor();
    await page.locator('[data-kind="merged_into"]').getByText(lights[1]).waitFor();
    await page.locator('[data-kind="merged"]').waitFor();
    await page.getByTestId("merge-into").waitFor({ state: "detached" });

    // Today's daily report: the four received, as a page and as CSV.
    await page.goto(`${server.url}/stats/reports`);
    await page.getByTestId("report").waitFor();
    assert.equal(await page.getByTestId("received").locator("strong").textContent(), "4");
    // Enquiries answered on the hotline are counted beside them, never as tickets.
    await page.getByTestId("enquiries").getByText("咨询（已当场解答，不派单）").waitFor();
    const href = await page.getByTestId("report-csv").getAttribute("href");
    assert.match(href, /kind=daily/);
    const csv = await page.request.get(new URL(href, server.url).href);
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.ok(text.startsWith("\ufeff日报 Daily report,示范区,D01"), text.slice(0, 80));
    // Of one kind of request: the four are residents' (民生), no enterprise's.
    await page.getByTestId("kind-filter").selectOption("development");
    await page.getByTestId("report-request-kind").getByText("发展（企业）").waitFor();
    assert.equal(await page.getByTestId("received").locator("strong").textContent(), "0");
    assert.match(await page.getByTestId("report-csv").getAttribute("href"), /request_kind=development/);
    await page.getByTestId("kind-filter").selectOption("livelihood");
    await page.getByTestId("report-request-kind").getByText("民生").waitFor();
    assert.equal(await page.getByTestId("received").locator("strong").textContent(), "4");
    await page.getByTestId("kind-filter").selectOption("");
    await page.getByTestId("report-request-kind").waitFor({ state: "detached" });
    // Printed: the report without the navigation and the controls.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("nav.bottom-nav").isVisible(), false);
    assert.equal(await page.locator(".controls").first().isVisible(), false);
    assert.equal(await page.getByTestId("report-csv").isVisible(), false);
    assert.ok(await page.getByTestId("report").locator("table").first().isVisible());
    await page.emulateMedia({ media: "screen" });
    // The street's monthly bulletin lists communities.
    await page.getByTestId("report-monthly").click();
    await page.getByTestId("scope").selectOption("D01-S01");
    await page.getByTestId("report").getByText("东山街道 月通报").waitFor();

    // The heat view: 青松 grid 2 holds today's four.
    await page.goto(`${server.url}/stats/hotspots`);
    const grid = views[lights[0]].region_code;
    const path = page.getByTestId("heat").locator(`path[data-code="${grid}"]`);
    await path.waitFor({ state: "attached" });
    assert.equal(await path.getAttribute("data-count"), "4");
    assert.ok((await page.getByTestId("heat").locator("path").count()) > 1, "every grid is drawn");
    await page.getByTestId("rising").locator('tr[data-code="0201"]').waitFor();

    assert.deepEqual(errors, []);
    await desk.close();
  });

  test("a supervisor opens the monthly topic from a suggestion and sees its tickets", async () => {
    // Street lights reported again at one spot: the suggestion to take up.
    const lights = [await file("0201"), await file("0201")];
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const page = await desk.newPage();
    const errors = watchErrors(page);
    await signInStaff(page, server, "supervisor", "/stats/");
    await page.goto(`${server.url}/stats/topics`);
    const suggestion = page.getByTestId("suggestions").locator('tr[data-matter="0201"]').first();
    await suggestion.getByTestId("pick-suggestion").click();
    const form = page.getByTestId("new-topic");
    await form.getByLabel("牵头单位").selectOption("U-CM");
    await form.getByRole("button", { name: "确定立题" }).click();
    const topic = page.getByTestId("topic");
    await topic.waitFor();
    const listed = await topic
      .getByTestId("topic-ticket-list")
      .locator("li")
      .evaluateAll((rows) => rows.map((r) => r.dataset.code));
    for (const code of lights) assert.ok(listed.includes(code), `${code} in ${listed}`);
    const count = Number(await topic.getByTestId("topic-tickets").textContent());
    assert.equal(count, listed.length);
    // It is in the list of topics too.
    await page.getByTestId("topics").locator("li").first().waitFor();
    assert.deepEqual(errors, []);
    await desk.close();
  });

  test("unit handlers are not shown the figures", async () => {
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    await signInStaff(page, server, "handler");
    await page.goto(`${server.url}/stats/ranking`);
    await page.getByText("没有权限", { exact: false }).waitFor();
    await context.close();
  });
});
