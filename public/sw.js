// Gridline's service worker: caches the app shell so the app opens and navigates with
// no network after one visit online.
//
// Each app (the resident app at /, the staff app at /staff/, the field app at /field/,
// the station app at /station/, the statistics app at /stats/, the hotline console at
// /hotline/)
// has its own copy of this worker, scoped to its path, with its own caches.
//
// scripts/sw-manifest.sh (a Trunk post-build hook) replaces the three lines below with
// the app's base path, this build's id and the list of files it produced, so every
// release is a new worker with its own cache. A new worker installs beside the old one
// and waits until the page asks it to take over ("skip-waiting"); then it drops the old
// caches of its app.
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

// A tracking page a text message links to (/track/CODE?k=…) comes with the ticket's
// status in it: the latest of each is kept (at most PAGES_KEPT), so it shows offline.
const PAGES = "gridline-pages:" + BASE;
const PAGES_KEPT = 20;

function isTrackingLink(url) {
  return url.pathname.startsWith(BASE + "track/") && url.searchParams.has("k");
}

function keepPage(request, response) {
  return caches.open(PAGES).then((cache) =>
    cache
      .put(request, response)
      .then(() => cache.keys())
      .then((keys) => Promise.all(keys.slice(0, -PAGES_KEPT).map((key) => cache.delete(key))))
  );
}

function keptPageOrShell(request) {
  return caches
    .open(PAGES)
    .then((cache) => cache.match(request))
    .then((hit) => hit || cachedShell());
}

function cachedShell() {
  return caches
    .open(CACHE)
    .then((cache) => cache.match(BASE + "index.html"))
    .then((hit) => hit || Response.error());
}

// Pages: the network first (so a release reaches everyone), the cached shell when the
// network is absent or too slow.
function navigate(request) {
  const tracking = isTrackingLink(new URL(request.url));
  return new Promise((resolve) => {
    let settled = false;
    const fallback = () => {
      if (!settled) {
        settled = true;
        resolve(tracking ? keptPageOrShell(request) : cachedShell());
      }
    };
    const timer = setTimeout(fallback, NAVIGATION_TIMEOUT_MS);
    fetch(request)
      .then((response) => {
        clearTimeout(timer);
        if (tracking && response.ok) {
          keepPage(request, response.clone()).catch(() => {});
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
