// Lighthouse (mobile: simulated slow 4G, 4x CPU slowdown) on each app's first page,
// against the release build served by the real server with demo data, in Debian's
// Chromium. Prints, per app: what the first visit transfers, first and largest contentful paint,
// time to interactive, total blocking time and the performance score (the median of
// RUNS runs; with COMPARE=DIR, of RUNS pairs against another build, below; DETAIL=1
// lists each run's requests and LCP element). Run by `scripts/bench.sh lighthouse` (which installs the pinned
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
  if (process.env.DETAIL) detail(report, url);
  return {
    kb: audit("total-byte-weight") / 1024,
    fcp: audit("first-contentful-paint") / 1000,
    lcp: audit("largest-contentful-paint") / 1000,
    tti: audit("interactive") / 1000,
    tbt: audit("total-blocking-time"),
    score: Math.round((report.categories.performance.score ?? 0) * 100),
  };
}

// DETAIL=1: what the run fetched (bytes on the wire, start and end in ms of the
// unthrottled load) and which element was the largest paint. A few hundred bytes more
// on a connection can cost a whole simulated round trip (150 ms): this shows where.
function detail(report, url) {
  const origin = new URL(url).origin;
  const lcp = report.audits["largest-contentful-paint-element"]?.details?.items?.[0]?.items?.[0]?.node;
  console.log(`  LCP element: ${lcp?.selector} "${lcp?.nodeLabel}"`);
  for (const r of report.audits["network-requests"].details.items) {
    const at = `${Math.round(r.networkRequestTime)}-${Math.round(r.networkEndTime)}`;
    console.log(`  ${String(r.transferSize).padStart(7)} B ${at.padStart(9)} ms ${r.url.replace(origin, "").slice(0, 70)}`);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function row(name, runs) {
  const m = (key) => median(runs.map((r) => r[key]));
  return `${name.padEnd(18)} | ${m("kb").toFixed(0).padStart(11)} | ${m("fcp").toFixed(1).padStart(5)} | ${m("lcp").toFixed(2).padStart(5)} | ${m("tti").toFixed(1).padStart(5)} | ${m("tbt").toFixed(0).padStart(6)} | ${m("score")} (${runs.map((r) => r.score).join(" ")})`;
}

// COMPARE=DIR: a second build (a copy of another `dist/`) served beside this one, and
// every page measured in pairs, the order of the two swapped from pair to pair. On a
// machine whose load comes and goes, the medians of two separate series differ by more
// than most changes do; pairs run back to back share the machine's state.
const builds = [["A", join(root, "dist")]];
if (process.env.COMPARE) builds.push(["B", resolve(process.env.COMPARE)]);
const servers = [];
try {
  for (const [, from] of builds) servers.push(await startServer({ from }));
  // The page a text message links to, for a ticket just filed (its status painted in
  // by the server): `gridline track-link` prints the link, which differs per server.
  const paths = [];
  for (const server of servers) {
    const code = await fileStreetLight(server);
    const pages = [...PAGES];
    pages.splice(2, 0, ["resident texted", server.admin("track-link", code).trim()]);
    paths.push(pages);
  }
  console.log(
    `Lighthouse ${execFileSync(lighthouse, ["--version"], { encoding: "utf8" }).trim()}, mobile, ${THROTTLING} throttling, median of ${RUNS}` +
      (servers.length > 1 ? `; A: dist/, B: ${process.env.COMPARE}, interleaved` : "")
  );
  console.log("page               | transfer KB | FCP s | LCP s | TTI s | TBT ms | score (each run)");
  // ONLY=resident: the pages whose name matches it (a regular expression: '^resident$'
  // is the start page alone).
  const only = new RegExp(process.env.ONLY ?? "");
  for (let p = 0; p < paths[0].length; p++) {
    const name = paths[0][p][0];
    if (!only.test(name)) continue;
    const runs = servers.map(() => []);
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? servers.keys() : [...servers.keys()].reverse();
      for (const s of order) runs[s].push(run(`${servers[s].url}${paths[s][p][1]}`));
    }
    if (servers.length === 1) {
      console.log(row(name, runs[0]));
      continue;
    }
    for (const [s, [build]] of builds.entries()) console.log(row(`${name} ${build}`, runs[s]));
    // The median of the pairs' differences: A minus B.
    const diff = (key) => median(runs[0].map((r, i) => r[key] - runs[1][i][key]));
    console.log(
      `  A - B by pair, median: TBT ${diff("tbt").toFixed(0)} ms, LCP ${diff("lcp").toFixed(2)} s, score ${diff("score")}; ` +
        `TBT A/B by pair ${runs[0].map((r, i) => `${r.tbt.toFixed(0)}/${runs[1][i].tbt.toFixed(0)}`).join(" ")}`
    );
  }
} finally {
  for (const server of servers) await server.stop();
}
