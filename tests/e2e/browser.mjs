// Debian's Chromium through playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Browsers still open: a failed test may skip its own close, and an open browser would
// keep the test file's process (and so CI) waiting. `closeAll` in each file's `after`.
const opened = new Set();

async function track(launching) {
  const browser = await launching;
  opened.add(browser);
  browser.on(browser.pages ? "close" : "disconnected", () => opened.delete(browser));
  return browser;
}

/// Closes every browser and profile this file opened and did not close.
export async function closeAll() {
  await Promise.all([...opened].map((b) => b.close().catch(() => {})));
  opened.clear();
}

/// A browser with a profile kept in `dir`, like a phone that is closed and opened
/// again; `options` adds to or overrides the defaults (extra `args` are appended).
export function launchProfile(dir, { args = [], ...options } = {}) {
  return track(
    chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      locale: "zh-CN",
      ...options,
    })
  );
}

/// Signs `username` in with the demo password the server printed, on the start page of
/// `app` (the staff app, or "/field/"): one session serves both.
export async function signInStaff(page, server, username, app = "/staff/") {
  await page.goto(`${server.url}${app}`);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(server.logins[username]);
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByTestId("signed-in").waitFor();
}

/// A browser; extra `args` are appended to the defaults.
export function launch({ args = [] } = {}) {
  return track(
    chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
    })
  );
}

/// A phone-sized context, as most residents and grid workers use.
export function phone(browser) {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
  });
}

/// Collects console errors and uncaught exceptions (CSP violations show up here).
/// "Who is signed in?" answering 401 when nobody is signed in is expected, not an error.
export function watchErrors(page) {
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const signedOut = msg.location().url.endsWith("/api/v1/auth/me") && msg.text().includes("401");
    if (!signedOut) errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return errors;
}

/// Waits until the service worker controls the page and has cached the shell.
export async function untilOfflineReady(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) =>
        navigator.serviceWorker.addEventListener("controllerchange", r, { once: true })
      );
    }
  });
}
