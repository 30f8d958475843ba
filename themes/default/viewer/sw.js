// The site's service worker, imported by /sw.js after it sets self.DISAN (written by the
// build: builder/offline/worker.py). Pages: network first, so a new build is seen on the next
// visit, falling back to a saved or visited copy, then to the offline page of the language.
// Files named by their content (static/, media/, tiles/, Pagefind's): cache first, as they
// never change. Caches named after the build's version are replaced by the next build's
// worker; the packs a visitor saved ("disan-pack:…") are theirs to remove.

const settings = self.DISAN;
const scope = new URL(self.registration.scope);
const PAGES = `disan-pages-${settings.version}`;
const FILES = `disan-files-${settings.version}`;
const KIOSK = `disan-kiosk-${settings.version}`;
const PACK = 'disan-pack:';
const KIOSK_PARALLEL = 8;
// Tiles of a panorama's levels are kept only in saved packs: a visit would fill the disk.
const LEVEL_TILE = /^tiles\/[^/]+\/tiles\//;

const here = (rel) => new URL(rel, scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      // past the HTTP cache: a stale offline page would outlive the build that replaced it
      await (await caches.open(PAGES)).addAll(settings.precache.map((rel) => new Request(here(rel), { cache: 'reload' })));
      if (settings.kiosk) await storeKiosk();
      await self.skipWaiting();
    })(),
  );
});

async function storeKiosk() {
  const response = await fetch(here(settings.kiosk), { cache: 'no-cache' });
  if (!response.ok) throw new Error(`kiosk list: ${response.status}`);
  const list = await response.json();
  const cache = await caches.open(KIOSK);
  const urls = list.files.map(([url]) => here(url));
  for (let i = 0; i < urls.length; i += KIOSK_PARALLEL) await cache.addAll(urls.slice(i, i + KIOSK_PARALLEL));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const current = [PAGES, FILES, KIOSK];
      for (const name of await caches.keys()) {
        if (name.startsWith('disan-') && !name.startsWith(PACK) && !current.includes(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const rel = url.pathname.slice(scope.pathname.length);
  if (request.mode === 'navigate') event.respondWith(page(request, rel));
  else if (hashed(rel)) event.respondWith(stored(request, rel));
  else event.respondWith(fetch(request).catch(() => fromCache(request)));
});

function hashed(rel) {
  return settings.hashed.some((folder) => rel.startsWith(folder)) || settings.hashedSuffixes.some((end) => rel.endsWith(end));
}

async function fromCache(request) {
  return (await caches.match(request.url, { ignoreSearch: true })) || Response.error();
}

async function page(request, rel) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await (await caches.open(PAGES)).put(request.url, response.clone());
    return response;
  } catch (error) {
    const saved = await caches.match(request.url, { ignoreSearch: true });
    return saved || (await caches.match(here(offlinePage(rel)))) || Response.error();
  }
}

/** The offline page of the language whose folder the address is in (the longest prefix). */
function offlinePage(rel) {
  const prefixes = Object.keys(settings.offline).filter((prefix) => rel.startsWith(prefix));
  return settings.offline[prefixes.sort((a, b) => b.length - a.length)[0] || ''];
}

async function stored(request, rel) {
  const range = request.headers.get('range');
  const cached = await caches.match(request.url);
  if (cached) return range ? partial(cached, range) : cached;
  const response = await fetch(request);
  if (response.status === 200 && !range && !LEVEL_TILE.test(rel)) {
    await (await caches.open(FILES)).put(request.url, response.clone());
  }
  return response;
}

/** A byte range of a stored file: audio and video elements ask for ranges (Safari only plays 206). */
async function partial(response, range) {
  const body = await response.blob();
  const [, start = '', end = ''] = /bytes=(\d*)-(\d*)/.exec(range) || [];
  let first = Number(start);
  let last = end ? Math.min(Number(end), body.size - 1) : body.size - 1;
  if (!start && end) {
    first = Math.max(0, body.size - Number(end));
    last = body.size - 1;
  }
  if (first > last) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${body.size}` } });
  return new Response(body.slice(first, last + 1), {
    status: 206,
    headers: {
      'Content-Type': response.headers.get('Content-Type') || '',
      'Content-Range': `bytes ${first}-${last}/${body.size}`,
      'Content-Length': String(last - first + 1),
    },
  });
}
