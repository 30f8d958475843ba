// The catalogue index's filter: swaps the facet panel's links for checkboxes and filters the
// whole list (every page of it, from the kind's facets.json) as the visitor ticks them: AND
// between facets, OR within one. Counts show how many items each value would leave; the query
// (?type=lich-su&type=khao-co&ranking=quoc-gia) is kept in the address, so a link reproduces
// the view. Without this script the panel's links lead to each value's static page.

const form = document.querySelector('div.facet-form'); // no <form>: nothing is sent anywhere
const list = document.getElementById('catalogue-list');
const status = document.getElementById('facet-status');
const pager = document.querySelector('.pager');
const root = new URL(form.dataset.root, location.href);
const staticItems = [...list.children];

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

// The ticked values of each facet, as sets of value indexes into the list's facet slugs.
function ticked(facets) {
  return facets.map(([name, slugs]) => {
    const chosen = new Set();
    for (const box of form.querySelectorAll(`input[name="${name}"]:checked`)) chosen.add(slugs.indexOf(box.value));
    return chosen;
  });
}

function matches(item, chosen, skip) {
  return chosen.every((values, facet) => facet === skip || values.size === 0 || item.f[facet].some((v) => values.has(v)));
}

function card(item) {
  const li = document.createElement('li');
  li.className = 'card';
  const link = document.createElement('a');
  link.href = new URL(item.u, root).href;
  if (item.i) {
    const image = document.createElement('img');
    image.src = new URL(item.i, root).href;
    image.alt = '';
    image.loading = 'lazy';
    link.append(image);
  } else {
    const blank = document.createElement('span');
    blank.className = 'card-blank';
    blank.setAttribute('aria-hidden', 'true');
    link.append(blank);
  }
  const title = document.createElement('h2');
  title.className = 'card-title';
  title.textContent = item.t;
  link.append(title);
  li.append(link);
  if (item.c) {
    const code = document.createElement('p');
    code.className = 'card-code';
    code.textContent = `${form.dataset.code} ${item.c}`;
    li.append(code);
  }
  return li;
}

function show(data, announce) {
  const chosen = ticked(data.facets);
  const filtering = chosen.some((values) => values.size > 0);
  const found = data.items.filter((item) => matches(item, chosen, -1));
  data.facets.forEach(([name], facet) => {
    const others = data.items.filter((item) => matches(item, chosen, facet));
    for (const box of form.querySelectorAll(`input[name="${name}"]`)) {
      const value = data.facets[facet][1].indexOf(box.value);
      const count = others.filter((item) => item.f[facet].includes(value)).length;
      box.parentElement.querySelector('.facet-n').textContent = `(${count})`;
    }
  });
  list.replaceChildren(...(filtering ? found.map(card) : staticItems));
  if (pager) pager.hidden = filtering;
  const url = new URL(location.href);
  for (const [name] of data.facets) url.searchParams.delete(name);
  for (const box of form.querySelectorAll('input:checked')) url.searchParams.append(box.name, box.value);
  history.replaceState(null, '', url);
  if (announce || filtering) status.textContent = say(form.dataset.shown, { count: found.length, total: data.items.length });
}

async function start() {
  const data = await (await fetch(new URL(form.dataset.source, location.href))).json();
  const query = new URLSearchParams(location.search);
  for (const box of form.querySelectorAll('input[type="checkbox"]')) {
    box.checked = query.getAll(box.name).includes(box.value);
  }
  document.querySelector('nav.facets').hidden = true;
  form.hidden = false;
  if (form.querySelector('input:checked')) form.closest('details').open = true;
  form.addEventListener('change', () => show(data, true));
  form.querySelector('.facet-clear').addEventListener('click', () => {
    for (const box of form.querySelectorAll('input:checked')) box.checked = false;
    show(data, true);
  });
  show(data, false);
}

start();
