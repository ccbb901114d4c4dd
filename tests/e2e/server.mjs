// Starts the real gridline server for end-to-end tests: its own data folder, a copy of
// the built app (tests may change it, e.g. to publish a "new release"), port 0.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/// `env` adds settings (`{ GRIDLINE_STATION_IDLE_SECONDS: "5" }`); `from` is the built
/// app to serve (the repository's `dist/` unless a benchmark compares another build).
export async function startServer({ env = {}, from = join(root, "dist") } = {}) {
  const work = mkdtempSync(join(tmpdir(), "gridline-e2e-"));
  const dist = join(work, "dist");
  cpSync(from, dist, { recursive: true });
  const binary = process.env.GRIDLINE_BIN ?? join(root, "target/debug/gridline");
  const child = spawn(binary, ["serve", "--demo"], {
    env: {
      ...process.env,
      GRIDLINE_ADDR: "127.0.0.1:0",
      GRIDLINE_DATA_DIR: join(work, "data"),
      GRIDLINE_DIST_DIR: dist,
      GRIDLINE_DATABASE_URL: "",
      GRIDLINE_LOG: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = output.match(/running at (http:\/\/\S+?)\/?\s/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  // The demo logins the server printed: "  worker   PASSWORD   (grid_worker)".
  const logins = {};
  for (const [, user, password] of output.matchAll(/^\s+(\w+)\s+(\S+)\s+\(\w+\)$/gm)) {
    logins[user] = password;
  }
  return {
    url,
    dist,
    logins,
    /// Runs an admin command (`gridline user disable worker`, …) on this server's data.
    admin(...args) {
      return execFileSync(binary, args, {
        env: { ...process.env, GRIDLINE_DATA_DIR: join(work, "data"), GRIDLINE_DATABASE_URL: "", GRIDLINE_LOG: "warn" },
        encoding: "utf8",
      });
    },
    async stop() {
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      const code = await exited;
      rmSync(work, { recursive: true, force: true });
      return code;
    },
  };
}

/// Files a street light complaint in 青松 grid 2 through the API with the phone
/// 13812345678 (proof: 5678); `fields` change or add to it. Its tracking code.
export async function fileStreetLight(server, fields = {}) {
  const response = await fetch(`${server.url}/api/v1/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`,
      matter_code: "0201",
      description: "路灯不亮，晚上很黑，老人出门不方便",
      lon: 120.41,
      lat: 36.069,
      address: "青松路 12 号",
      contact_phone: "13812345678",
      ...fields,
    }),
  });
  if (response.status !== 201) throw new Error(`filing answered ${response.status}`);
  return (await response.json()).tracking_code;
}
