// "Save for offline": stores everything the build's pack list names for this page (its pages,
// posters, the first levels of its panoramas' tiles, narration) in a Cache Storage cache of
// its own, which the service worker answers from when there is no network. The list says the
// size before anything is fetched; a pack over the site's cap is refused with the reason.

const data = JSON.parse(document.getElementById('disan-offline').textContent);
const T = data.strings;
const packUrl = new URL(data.pack, location.href);
const root = new URL('../../', packUrl); // the list is at offline/packs/<name>.json
const PARALLEL = 6;
const lang = document.documentElement.lang;

function say(key, values = {}) {
  return (T[key] || key).replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

function size(bytes) {
  const mb = bytes / 1e6;
  if (mb < 1) return `${Math.max(1, Math.round(bytes / 1e3)).toLocaleString(lang)} kB`;
  return `${mb.toLocaleString(lang, { maximumFractionDigits: mb < 10 ? 1 : 0 })} MB`;
}

function button(text) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  return element;
}

const box = document.createElement('div');
box.className = 'offline-save';
const saveButton = button(say('save'));
const removeButton = button(say('remove'));
const status = document.createElement('p');
status.className = 'offline-status';
status.setAttribute('role', 'status');
box.append(saveButton, removeButton, status);
removeButton.hidden = true;
const heading = document.querySelector('main h1');
heading.after(box);

async function packList() {
  const response = await fetch(packUrl, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.text();
}

async function savedText(name) {
  if (!(await caches.has(name))) return null;
  const marker = await (await caches.open(name)).match(packUrl.href);
  return marker ? marker.text() : null;
}

function show(state, pack) {
  const total = size(pack.bytes);
  saveButton.hidden = state === 'saved';
  removeButton.hidden = state === 'unsaved';
  saveButton.disabled = false;
  saveButton.textContent = `${say(state === 'stale' ? 'update' : 'save')} (~${total})`;
  status.textContent = state === 'saved' ? say('saved') : '';
  if (pack.bytes > pack.max_bytes) {
    saveButton.disabled = true;
    status.textContent = say('too_big', { size: total, limit: size(pack.max_bytes) });
  }
  box.dataset.state = state;
}

/** The files of the list, then what this page loaded beyond it (its scripts and styles). */
function filesOf(pack) {
  const listed = new Set(pack.files.map(([url]) => new URL(url, root).href));
  const files = pack.files.map(([url, bytes]) => [new URL(url, root).href, bytes]);
  for (const entry of performance.getEntriesByType('resource')) {
    const url = entry.name.split('#')[0];
    if (url.startsWith(root.href) && !listed.has(url) && entry.initiatorType !== 'fetch') {
      listed.add(url);
      files.push([url, 0]);
    }
  }
  return files;
}

async function store(name, text, pack) {
  if (navigator.storage && navigator.storage.persist && !(await navigator.storage.persisted())) {
    await navigator.storage.persist().catch(() => false); // asked once the visitor chose to save
  }
  if (navigator.storage && navigator.storage.estimate) {
    const { quota, usage } = await navigator.storage.estimate();
    if (quota - usage < pack.bytes) throw new Error(say('no_space', { size: size(pack.bytes) }));
  }
  // Saved beside the old copy, which stays until the new one is whole: a failed update (no
  // network, no space) leaves the visitor what they had.
  const cache = await caches.open(saving(name));
  const files = filesOf(pack);
  let done = 0;
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const [url, bytes] = files[next++];
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`${response.status} ${url.slice(root.href.length)}`);
      await cache.put(url, response);
      done += bytes;
      status.textContent = say('saving', { percent: Math.min(99, Math.floor((100 * done) / pack.bytes)) });
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  await cache.put(packUrl.href, new Response(text, { headers: { 'Content-Type': 'application/json' } }));
  await caches.delete(name);
  const kept = await caches.open(name);
  for (const request of await cache.keys()) await kept.put(request, await cache.match(request));
  await caches.delete(saving(name));
}

function saving(name) {
  return `${name}~saving`;
}

async function main() {
  const text = await packList();
  const pack = JSON.parse(text);
  const name = `disan-pack:${pack.name}`;
  const saved = await savedText(name);
  show(saved === null ? 'unsaved' : saved === text ? 'saved' : 'stale', pack);
  saveButton.addEventListener('click', async () => {
    saveButton.disabled = true;
    status.textContent = say('saving', { percent: 0 });
    try {
      await store(name, text, pack);
      show('saved', pack);
    } catch (error) {
      await caches.delete(saving(name));
      show((await savedText(name)) === null ? 'unsaved' : 'stale', pack);
      status.textContent = say('failed', { reason: error.message });
    }
  });
  removeButton.addEventListener('click', async () => {
    await caches.delete(name);
    show('unsaved', pack);
    status.textContent = say('removed');
  });
}

main().catch(() => box.remove());
