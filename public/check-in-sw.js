// The check-in page's service worker (offline check-in, issue 19 §5). Registered by the page with the scope
// /events/<id>/check-in, so it sees that page and what it loads, nothing else of Plenary. It keeps the page
// (network first, the kept copy when offline) and the built assets (hashed names: the kept copy first).
// The page's data, its list of people (kept by the page in localStorage) and every POST go to the network.

const CACHE = "plenary-check-in-v1";

const isCheckInPage = (url) => /^\/events\/[0-9a-f-]{36}\/check-in$/.test(url.pathname);
const isAsset = (url) => url.pathname.startsWith("/build/");
const isKeptFile = (url) => url.pathname.startsWith("/locales/") || /^\/favicon\.(svg|ico)$/.test(url.pathname);

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The page that registered this worker was loaded before the worker ran: it sends what it loaded, to keep.
self.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(keep([data.page, ...data.urls]));
});

async function keep(urls) {
  const cache = await caches.open(CACHE);
  await Promise.all(
    urls
      .filter((href) => typeof href === "string")
      .map(async (href) => {
        const url = new URL(href, self.location.origin);
        if (url.origin !== self.location.origin || !(isCheckInPage(url) || isAsset(url) || isKeptFile(url))) return;
        if (isAsset(url) && (await cache.match(url.href))) return;
        try {
          const response = await fetch(url.href, { credentials: "same-origin" });
          if (response.ok && !response.redirected) await cache.put(url.href, response);
        } catch {
          // offline already: what is kept stays
        }
      }),
  );
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(key, { ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request.url);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request.url, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (isCheckInPage(url)) event.respondWith(networkFirst(request, url.origin + url.pathname));
    return;
  }
  if (isAsset(url)) event.respondWith(cacheFirst(request));
  else if (isKeptFile(url)) event.respondWith(networkFirst(request, url.href));
});
