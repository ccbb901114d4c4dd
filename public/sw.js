// Gridline's service worker: caches the app shell so the app opens and navigates with
// no network after one visit online.
//
// Each app (/, /staff/, /field/, /station/, /stats/, /hotline/) has its own copy,
// scoped to its path, with its own caches. scripts/sw-manifest.sh (a Trunk post-build
// hook) fills in the three lines below (base path, build id, files), so each release is
// a new worker with its own cache; it waits until the page says "skip-waiting", then
// drops its app's old caches.
const BASE = "/";
const BUILD = "dev";
const SHELL = ["/index.html"];

// Paths of the other apps, which their own workers serve.
const OTHER_APPS = ["/staff/", "/field/", "/station/", "/stats/", "/hotline/"];

const CACHE_PREFIX = "gridline-shell:" + BASE + ":";
const CACHE = CACHE_PREFIX + BUILD;
// How long a page load waits for the network before using the cached shell.
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // "reload" bypasses the HTTP cache so the shell is this release's.
      cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))
    )
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

// Pages a text links to (/track/CODE?k=…) carry the ticket's status: the last
// PAGES_KEPT loaded are kept, and answer offline.
const PAGES = "gridline-pages:" + BASE;
const PAGES_KEPT = 20;

function cachedShell() {
  return caches
    .open(CACHE)
    .then((cache) => cache.match(BASE + "index.html"))
    .then((hit) => hit || Response.error());
}

// Pages: the network first (so a release reaches everyone), the cached shell when the
// network is absent or too slow.
function navigate(request) {
  const url = new URL(request.url);
  const link = url.pathname.startsWith(BASE + "track/") && url.searchParams.has("k");
  return new Promise((resolve) => {
    let settled = false;
    const fallback = () => {
      if (!settled) {
        settled = true;
        const kept = link ? caches.open(PAGES).then((c) => c.match(request)) : Promise.resolve();
        resolve(kept.then((hit) => hit || cachedShell()));
      }
    };
    const timer = setTimeout(fallback, NAVIGATION_TIMEOUT_MS);
    fetch(request)
      .then((response) => {
        clearTimeout(timer);
        if (link && response.ok) {
          const copy = response.clone();
          caches
            .open(PAGES)
            .then((c) => c.put(request, copy).then(() => c.keys()).then((keys) => keys.slice(0, -PAGES_KEPT).forEach((k) => c.delete(k))))
            .catch(() => {});
        }
        if (!settled) {
          settled = true;
          resolve(response);
        }
      })
      .catch(() => {
        clearTimeout(timer);
        fallback();
      });
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API and live data always go to the network.
  if (url.pathname.startsWith("/api/") || url.pathname === "/healthz") return;
  if (!url.pathname.startsWith(BASE)) return;
  if (OTHER_APPS.some((app) => app !== BASE && url.pathname.startsWith(app))) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  // Assets: hashed names never change, so the cache is always right for them.
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((hit) => hit || fetch(request))
  );
});

// Web Push: the server sends {title, body, url, tag} (encrypted for this browser; the
// browser has decrypted it by now). One notification per ticket: a newer step
// replaces the older one.
self.addEventListener("push", (event) => {
  let message = null;
  try {
    message = event.data ? event.data.json() : null;
  } catch (_) {
    message = null;
  }
  if (!message || typeof message.title !== "string") {
    return;
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body || "",
      tag: message.tag || undefined,
      renotify: Boolean(message.tag),
      icon: "/icons/icon-192.png",
      data: { url: message.url || BASE },
    })
  );
});

// A tap opens the ticket's page: in a window of this app that is open already, or a
// new one. Only paths of this site are opened.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || BASE;
  const target = new URL(path, self.location.origin);
  if (target.origin !== self.location.origin) {
    return;
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname.startsWith(BASE));
      if (open && "navigate" in open) {
        return open.navigate(target.href).then((w) => (w || open).focus());
      }
      return self.clients.openWindow(target.href);
    })
  );
});
