// A push service standing in for the browser's (Chromium's own, FCM, is not reachable
// here): it takes the server's Web Push requests, checks their VAPID signature (RFC
// 8292) and decrypts their aes128gcm payload (RFC 8291) with the keys of a browser
// subscription made here, as the real push service and browser would. The test then
// hands the plaintext to the page's service worker through the DevTools protocol
// (ServiceWorker.deliverPushMessage), which is how the browser delivers a push.
import { createECDH, createPublicKey, createDecipheriv, hkdfSync, randomBytes, verify } from "node:crypto";
import { createServer } from "node:http";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

/// A browser's subscription keys (P-256 and the 16-byte auth secret).
export function browserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16) };
}

/// JavaScript for `addInitScript`: the page's PushManager subscribes to `endpoint`
/// with `keys` (the browser's own push service is out of reach); everything else in
/// the page is real. The key the app passed is kept for the test to check.
export function fakeSubscription(endpoint, keys) {
  const json = { endpoint, expirationTime: null, keys: { p256dh: b64url(keys.publicKey), auth: b64url(keys.auth) } };
  return `(() => {
    const json = ${JSON.stringify(json)};
    let subscribed = null;
    PushManager.prototype.getSubscription = async function () { return subscribed; };
    PushManager.prototype.subscribe = async function (options) {
      const key = new Uint8Array(options.applicationServerKey);
      window.__gridlinePushKey = btoa(String.fromCharCode(...key));
      if (!options.userVisibleOnly) throw new DOMException("userVisibleOnly", "NotAllowedError");
      subscribed = { endpoint: json.endpoint, options, toJSON: () => json, getKey: () => null };
      return subscribed;
    };
  })();`;
}

/// Checks an `Authorization: vapid t=…, k=…` header; returns the key `k`.
export function verifyVapid(header, origin) {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(header ?? "");
  if (!match) throw new Error(`not VAPID: ${header}`);
  const [, jwt, k] = match;
  const point = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) },
    format: "jwk",
  });
  const [header64, claims64, signature64] = jwt.split(".");
  const signed = Buffer.from(`${header64}.${claims64}`);
  const ok = verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature64, "base64url"));
  if (!ok) throw new Error("the VAPID signature does not verify");
  const alg = JSON.parse(Buffer.from(header64, "base64url")).alg;
  const claims = JSON.parse(Buffer.from(claims64, "base64url"));
  if (alg !== "ES256") throw new Error(`alg ${alg}`);
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud}, not ${origin}`);
  if (!(claims.exp * 1000 > Date.now())) throw new Error("expired");
  return k;
}

/// Opens an aes128gcm payload (one record) for the browser with `keys`.
export function decrypt(body, keys) {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const serverKey = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const shared = keys.ecdh.computeSecret(serverKey);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), keys.publicKey, serverKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, keys.auth, info, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 2, then any padding zeros.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/// The push service: every request, checked and opened with the keys registered for
/// its path. `received` lists `{ path, key, plaintext }` (or `{ path, error }`).
export async function startPushService() {
  const keysByPath = new Map();
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const origin = `http://${req.headers.host}`;
      try {
        if (req.headers["content-encoding"] !== "aes128gcm") throw new Error("not aes128gcm");
        const key = verifyVapid(req.headers.authorization, origin);
        const keys = keysByPath.get(req.url);
        if (!keys) throw new Error(`no subscription at ${req.url}`);
        received.push({ path: req.url, key, plaintext: decrypt(Buffer.concat(chunks), keys) });
        res.writeHead(201).end();
      } catch (error) {
        received.push({ path: req.url, error: String(error) });
        res.writeHead(400).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    received,
    /// A subscription at `path`: its endpoint and the browser's keys.
    subscription(path) {
      const keys = browserKeys();
      keysByPath.set(path, keys);
      return { endpoint: `${url}${path}`, keys };
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/// Delivers `data` to the service worker registered for `scope` in `page`'s browser,
/// as the browser does when its push service hands it a message.
export async function deliverToServiceWorker(context, page, origin, scope, data) {
  const cdp = await context.newCDPSession(page);
  const registrations = new Map();
  cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations: list }) => {
    for (const r of list) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
  });
  await cdp.send("ServiceWorker.enable");
  const deadline = Date.now() + 5000;
  while (!registrations.has(scope) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const registrationId = registrations.get(scope);
  if (!registrationId) throw new Error(`no service worker for ${scope}: ${[...registrations.keys()]}`);
  await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId, data });
  await cdp.detach();
}
