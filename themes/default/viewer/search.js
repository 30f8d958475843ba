// The search page: reads ?q=, asks Pagefind (its script, WebAssembly and index are files of this
// site, never a CDN) and lists the results with their title, kind and thumbnail. Without
// JavaScript the form still sends ?q= here and the page says search needs JavaScript.
//
// Pagefind folds tone marks and the index also holds each đ word with d, so `Den Hung` finds
// Đền Hùng; the results whose words match the query as typed, marks included, come first,
// then those whose title holds the query's words.

const SHOWN = 20; // results whose fragments are fetched: each is one small request

const form = document.querySelector('form.search-form');
const input = form.querySelector('input[name="q"]');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const kinds = JSON.parse(form.dataset.kinds);
const strings = JSON.parse(form.dataset.strings);
const root = new URL(form.dataset.root, location.href);

let pagefind = null;

async function engine() {
  if (!pagefind) {
    pagefind = await import(new URL(form.dataset.index, location.href).href);
    await pagefind.options({ baseUrl: '/', excerptLength: 0, ranking: { diacriticSimilarity: 1 } });
  }
  return pagefind;
}

function words(text) {
  return text.normalize('NFC').toLocaleLowerCase(document.documentElement.lang).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

// Whether a result holds the query as typed, marks included, as whole words: in its title
// (worth more) or in its text. Single words are not counted alone: `son` in "sơn son" must not
// lift a page above the Đông Sơn pages for `Dong Son`.
function exactness(data, terms) {
  const phrase = ` ${terms.join(' ')} `;
  const title = ` ${words(data.meta.title || '').join(' ')} `;
  const text = ` ${words(data.content || '').join(' ')} `;
  return (title.includes(phrase) ? 2 : 0) + (text.includes(phrase) ? 1 : 0);
}

// Without marks and with đ as d, as the index matches: `dong son` is in the title "Đông Sơn".
function folded(text) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd');
}

function inTitle(data, terms) {
  const title = new Set(words(folded(data.meta.title || '')));
  return terms.filter((term) => title.has(folded(term))).length;
}

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

function resultItem(data) {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = new URL('.' + data.meta.href, root).href;
  if (data.meta.image) {
    const image = document.createElement('img');
    image.src = new URL('.' + data.meta.image, root).href;
    image.alt = '';
    image.loading = 'lazy';
    image.width = 64;
    image.height = 64;
    link.append(image);
  }
  const text = document.createElement('span');
  text.className = 'search-text';
  const title = document.createElement('span');
  title.className = 'search-title';
  title.textContent = data.meta.title || data.meta.href;
  const kind = document.createElement('span');
  kind.className = 'search-kind';
  kind.textContent = kinds[data.meta.kind] || data.meta.kind || '';
  text.append(title, kind);
  link.append(text);
  item.append(link);
  return item;
}

async function run(query) {
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = strings.prompt;
    return;
  }
  status.textContent = strings.searching;
  try {
    const found = await (await engine()).search(query);
    const loaded = await Promise.all(found.results.slice(0, SHOWN).map((result) => result.data()));
    const terms = words(query);
    const ranked = loaded
      .map((data, order) => ({ data, order, exact: exactness(data, terms), title: inTitle(data, terms) }))
      .sort((a, b) => b.exact - a.exact || b.title - a.title || a.order - b.order);
    list.replaceChildren(...ranked.map(({ data }) => resultItem(data)));
    const count = found.results.length;
    status.textContent = say(count === 0 ? strings.none : count === 1 ? strings.one : strings.many, { count, query });
  } catch (error) {
    status.textContent = strings.failed;
    throw error;
  }
}

const query = new URLSearchParams(location.search).get('q') || '';
input.value = query;
for (const other of document.querySelectorAll('input[name="q"]')) other.value = query;
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set('q', input.value);
  history.replaceState(null, '', url);
  run(input.value);
});
run(query);
