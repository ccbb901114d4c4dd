// Lighthouse (mobile: simulated slow 4G, 4x CPU slowdown) on each app's first page,
// against the release build served by the real server with demo data, in Debian's
// Chromium. Prints, per app: what the first visit transfers, first and largest contentful paint,
// time to interactive, total blocking time and the performance score (the median of
// RUNS runs). Run by `scripts/bench.sh lighthouse` (which installs the pinned
// Lighthouse into .bench-tools/); figures go to docs/measurements.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { fileStreetLight, startServer } from "../e2e/server.mjs";

const root = resolve(import.meta.dirname, "../..");
const lighthouse = join(root, ".bench-tools/node_modules/.bin/lighthouse");
const RUNS = Number(process.env.RUNS ?? 3);
// `simulate` (Lighthouse's default: one fast load, timings estimated from it) or
// `devtools` (the load itself throttled: what paints before the wasm shows as such).
const THROTTLING = process.env.THROTTLING ?? "simulate";
const PAGES = [
  ["resident", "/"],
  ["resident tracking", "/track"],
  ["staff", "/staff/"],
  ["field", "/field/"],
  ["station", "/station/"],
  ["stats", "/stats/"],
];

function run(url) {
  const out = join(mkdtempSync(join(tmpdir(), "gridline-lh-")), "report.json");
  execFileSync(
    lighthouse,
    [
      url,
      "--quiet",
      "--output=json",
      `--output-path=${out}`,
      "--only-categories=performance",
      `--throttling-method=${THROTTLING}`,
      "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ],
    { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? "/usr/bin/chromium" }, stdio: "inherit" }
  );
  const report = JSON.parse(readFileSync(out, "utf8"));
  const audit = (id) => report.audits[id]?.numericValue ?? NaN;
  return {
    kb: audit("total-byte-weight") / 1024,
    fcp: audit("first-contentful-paint") / 1000,
    lcp: audit("largest-contentful-paint") / 1000,
    tti: audit("interactive") / 1000,
    tbt: audit("total-blocking-time"),
    score: Math.round((report.categories.performance.score ?? 0) * 100),
  };
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

const server = await startServer();
try {
  // The page a text message links to, for a ticket just filed (its status painted in
  // by the server): `gridline track-link` prints the link.
  const code = await fileStreetLight(server);
  PAGES.splice(2, 0, ["resident texted", server.admin("track-link", code).trim()]);
  console.log(`Lighthouse ${execFileSync(lighthouse, ["--version"], { encoding: "utf8" }).trim()}, mobile, ${THROTTLING} throttling, median of ${RUNS}`);
  console.log("page               | transfer KB | FCP s | LCP s | TTI s | TBT ms | score");
  // ONLY=resident: the pages whose name starts with it.
  for (const [name, path] of PAGES.filter(([n]) => n.startsWith(process.env.ONLY ?? ""))) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(run(`${server.url}${path}`));
    const m = (key) => median(runs.map((r) => r[key]));
    console.log(
      `${name.padEnd(18)} | ${m("kb").toFixed(0).padStart(11)} | ${m("fcp").toFixed(1).padStart(5)} | ${m("lcp").toFixed(1).padStart(5)} | ${m("tti").toFixed(1).padStart(5)} | ${m("tbt").toFixed(0).padStart(6)} | ${m("score")}`
    );
  }
} finally {
  await server.stop();
}
