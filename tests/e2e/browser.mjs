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

/// A WebM clip made in the page (a second of a changing canvas, by MediaRecorder) and,
/// with `claimedSeconds`, that duration written into its header: what the file picker
/// gets. Bytes, as an array.
export function makeClip(page, claimedSeconds) {
  return page.evaluate(async (claimed) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 48;
    const draw = canvas.getContext("2d");
    let frame = 0;
    const paint = () => {
      draw.fillStyle = `hsl(${(frame++ * 40) % 360}, 80%, 50%)`;
      draw.fillRect(0, 0, 64, 48);
    };
    paint();
    const timer = setInterval(paint, 50);
    const recorder = new MediaRecorder(canvas.captureStream(20), { mimeType: "video/webm" });
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    recorder.stop();
    await stopped;
    clearInterval(timer);
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    if (claimed) {
      // Chromium writes the Duration (4489) into the Segment Info (1549A966) when it
      // stops, as a 4- or 8-byte float of milliseconds: overwritten in place.
      const at = (ids, from) => bytes.findIndex((_, i) => i >= from && ids.every((b, k) => bytes[i + k] === b));
      // The Info's id comes first in the SeekHead (after a SeekID size, 84), then itself.
      let info = at([0x15, 0x49, 0xa9, 0x66], 0);
      if (bytes[info - 1] === 0x84) info = at([0x15, 0x49, 0xa9, 0x66], info + 4);
      const duration = at([0x44, 0x89], info);
      const view = new DataView(bytes.buffer, duration + 3);
      if (bytes[duration + 2] === 0x84) view.setFloat32(0, claimed * 1000);
      else if (bytes[duration + 2] === 0x88) view.setFloat64(0, claimed * 1000);
      else throw new Error("no Duration in the recorder's Segment Info");
    }
    return [...bytes];
  }, claimedSeconds ?? 0);
}
