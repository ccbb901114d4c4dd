// Large text, end to end on a 360 px wide phone: the phone's own text size at 200 %
// (Chromium's default font size doubled, as Android's text scaling does) and the app's
// "大字" switch (remembered). On every resident page, compared with normal text by the
// boxes of the page's elements, not by pixels: nothing is wider than the screen,
// every action that is there at normal size is there, on screen and not covered, and
// no two texts or controls overlap. Screenshots are kept in target/e2e-screenshots/ for
// a person to look at; the boxes decide.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { closeAll, launch, watchErrors } from "./browser.mjs";
import { fileStreetLight, startServer } from "./server.mjs";

const SHOTS = resolve(import.meta.dirname, "../../target/e2e-screenshots");
const VIEWPORT = { width: 360, height: 740 };

let server;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await closeAll();
  await browser?.close();
  if (server) await server.stop();
});

/// Every visible control and text block on the page: its key (test id, label or text),
/// whether it is an action, its box in page coordinates, whether it is in the fixed
/// bottom bar, and whether its content is clipped by its own box.
function measure(page) {
  return page.evaluate(() => {
    const selector = "button, a[href], input:not([type=hidden]), select, textarea, label, h1, h2, h3, p, dt, dd, .badge";
    const out = [];
    const all = [...document.querySelectorAll(selector)];
    for (const el of all) {
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (style.visibility === "hidden" || style.display === "none" || box.width === 0 || box.height === 0) continue;
      if (el.closest(".visually-hidden")) continue;
      const action = el.matches("button, a[href], input, select, textarea");
      const name =
        el.dataset.testid ||
        el.getAttribute("aria-label") ||
        (el.labels && el.labels[0]?.textContent.trim()) ||
        el.getAttribute("name") ||
        el.textContent.trim().replace(/\s+/g, " ").slice(0, 40);
      const clips = style.overflowX !== "visible" || style.overflowY !== "visible";
      out.push({
        index: all.indexOf(el),
        key: `${el.tagName.toLowerCase()}:${name}`,
        action,
        fixed: !!el.closest(".bottom-nav"),
        box: { x: box.left + scrollX, y: box.top + scrollY, w: box.width, h: box.height },
        cut:
          clips &&
          el.tagName !== "TEXTAREA" &&
          el.tagName !== "SELECT" &&
          (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1),
        contains: all
          .map((other, i) => (other !== el && el.contains(other) ? i : -1))
          .filter((i) => i >= 0),
      });
    }
    return {
      items: out,
      scrollWidth: document.documentElement.scrollWidth,
      rootFont: parseFloat(getComputedStyle(document.documentElement).fontSize),
    };
  });
}

function overlap(a, b) {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 1 && h > 1;
}

/// What is wrong with the page at large text, compared with the same page at normal size.
/// (A phone widens its layout to fit what overflows, so the screen's width is the
/// viewport's as set, not what the page reports.)
function problems(where, normal, large) {
  const found = [];
  const width = VIEWPORT.width;
  if (large.scrollWidth > width) {
    found.push(`${where}: the page is ${large.scrollWidth} px wide on a ${width} px screen`);
  }
  const keys = new Set(large.items.filter((i) => i.action).map((i) => i.key));
  for (const item of normal.items.filter((i) => i.action)) {
    if (!keys.has(item.key)) found.push(`${where}: ${item.key} is gone`);
  }
  for (const item of large.items) {
    if (item.box.x < -1 || item.box.x + item.box.w > width + 1) {
      found.push(`${where}: ${item.key} is off the screen (x ${Math.round(item.box.x)}, width ${Math.round(item.box.w)})`);
    }
    if (item.cut) found.push(`${where}: ${item.key} is cut`);
  }
  const items = large.items;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const [a, b] = [items[i], items[j]];
      if (a.fixed !== b.fixed) continue; // the bottom bar floats over the scrolled page
      if (a.contains.includes(b.index) || b.contains.includes(a.index)) continue;
      if (overlap(a.box, b.box)) found.push(`${where}: ${a.key} overlaps ${b.key}`);
    }
  }
  return found;
}

describe("large text", () => {
  test("at 200 % phone text and with 大字, nothing overlaps, is cut or is out of reach", async () => {
    const code = await fileStreetLight(server);
    const pages = [
      ["home", "/", (p) => p.getByTestId("categories").locator("a, button").first()],
      ["file", "/file", (p) => p.getByTestId("common-matters").getByRole("button").first()],
      ["mine", "/mine", (p) => p.locator("h1").first()],
      ["track", "/track", (p) => p.getByRole("button").first()],
      ["ticket", `/track/${code}`, async (p) => {
        await p.getByLabel(/后四位/).fill("5678");
        await p.getByLabel(/后四位/).press("Enter");
        return p.getByTestId("timeline");
      }],
    ];
    const visitAll = async (page, mode) => {
      const measured = {};
      for (const [name, path, ready] of pages) {
        await page.goto(`${server.url}${path}`);
        await (await ready(page)).waitFor();
        await page.evaluate(() => document.fonts.ready);
        await page.evaluate(() => window.scrollTo(0, 0));
        measured[name] = await measure(page);
        await page.screenshot({ path: join(SHOTS, `large-text-${mode}-${name}.png`), fullPage: true });
      }
      return measured;
    };

    const context = await browser.newContext({ viewport: VIEWPORT, isMobile: true, hasTouch: true, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const normal = await visitAll(page, "normal");

    // The phone's own text size at 200 %.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32, fixed: 26 } });
    const phoneLarge = await visitAll(page, "phone-200");
    assert.ok(
      phoneLarge.home.rootFont >= 2 * normal.home.rootFont - 0.5,
      `the page follows the phone's text size (${normal.home.rootFont} -> ${phoneLarge.home.rootFont} px)`
    );
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 16, fixed: 13 } });

    // 大字, remembered across a reload.
    await page.goto(`${server.url}/`);
    await page.getByTestId("text-size").click();
    await page.reload();
    await page.getByTestId("text-size").and(page.locator('[aria-pressed="true"]')).waitFor();
    const switched = await visitAll(page, "switch");
    assert.ok(switched.home.rootFont >= 1.45 * normal.home.rootFont, `大字 enlarges the text (${switched.home.rootFont} px)`);

    const found = [];
    for (const [name] of pages) {
      found.push(...problems(`${name} at normal size`, normal[name], normal[name]));
      found.push(...problems(`${name} at 200 %`, normal[name], phoneLarge[name]));
      found.push(...problems(`${name} with 大字`, normal[name], switched[name]));
    }
    assert.deepEqual(found, [], `\n${found.join("\n")}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
