// The 3D view of an exhibit page or card.  The page shows the poster and a button; only when the
// visitor asks for the model does the page load model-viewer (≈290 KB gzipped) and the model
// itself, so a QR scan on weak 4G opens the page at the speed of a photo page.  Every URL
// is on the site: model-viewer's CDN defaults for its decoders are replaced before it loads.

/** Wires a `.model-stage` (poster, `.model-load` button, `.model-status`, data-* settings). */
export function setUp(stage) {
  const button = stage.querySelector('.model-load');
  button.hidden = false;
  button.addEventListener('click', () => show(stage, button), { once: true });
}

function absolute(url) {
  return new URL(url, document.baseURI).href;
}

async function show(stage, button) {
  const data = stage.dataset;
  const status = stage.querySelector('.model-status');
  button.disabled = true;
  status.textContent = data.loading;
  const decoders = absolute(data.decoders);
  self.ModelViewerElement = {
    dracoDecoderLocation: decoders,
    ktx2TranscoderLocation: decoders,
    meshoptDecoderLocation: decoders + 'meshopt_decoder.js',
  };
  try {
    await import(absolute(data.viewer));
  } catch {
    status.textContent = data.failed;
    button.disabled = false;
    button.addEventListener('click', () => show(stage, button), { once: true });
    return;
  }
  const viewer = createViewer(stage, status);
  stage.querySelector('.model-poster')?.remove();
  button.remove();
  stage.tabIndex = -1; // keeps the keyboard focus here until the model can take it
  stage.focus();
  stage.prepend(viewer);
}

function createViewer(stage, status) {
  const data = stage.dataset;
  const viewer = document.createElement('model-viewer');
  const attributes = {
    src: absolute(data.model),
    alt: data.alt,
    'camera-controls': '',
    'touch-action': 'pan-y',
    'interaction-prompt': 'auto',
    'shadow-intensity': '1',
    'environment-image': 'neutral',
    ar: '',
    'ar-modes': 'webxr scene-viewer quick-look',
  };
  if (data.poster) attributes.poster = absolute(data.poster);
  attributes.a11y = JSON.stringify(a11yStrings(data));
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) attributes['interaction-prompt'] = 'none';
  for (const [name, value] of Object.entries(attributes)) viewer.setAttribute(name, value);

  const ar = document.createElement('button');
  ar.type = 'button';
  ar.slot = 'ar-button';
  ar.className = 'model-ar';
  ar.textContent = data.ar;
  viewer.append(ar);
  stage.parentElement.querySelectorAll('.model-annotations li').forEach((item, index) => {
    const spot = document.createElement('button');
    spot.type = 'button';
    spot.slot = `hotspot-${index + 1}`;
    spot.className = 'model-hotspot';
    spot.dataset.position = item.dataset.position;
    spot.dataset.normal = item.dataset.normal;
    spot.dataset.visibilityAttribute = 'visible';
    spot.textContent = String(index + 1);
    spot.setAttribute('aria-label', item.textContent.trim());
    spot.title = item.textContent.trim();
    viewer.append(spot);
  });

  viewer.addEventListener('progress', (event) => {
    const percent = Math.round(event.detail.totalProgress * 100);
    if (percent < 100) status.textContent = `${data.loading} ${percent}%`;
  });
  viewer.addEventListener('load', () => {
    status.textContent = data.ready;
    stage.classList.add('model-ready');
  });
  viewer.addEventListener('poster-dismissed', () => {
    // The keyboard controls live on an element inside model-viewer's shadow root.
    if (document.activeElement === stage) (viewer.shadowRoot?.querySelector('[tabindex="0"]') ?? viewer).focus();
  });
  viewer.addEventListener('error', () => {
    status.textContent = data.failed;
  });
  if (data.authoring !== undefined) pickPoints(viewer, status);
  return viewer;
}

// What model-viewer tells screen readers, in the page's language: how to move the model, and
// from which side it is seen ("upper-front" … "lower-left").
function a11yStrings(data) {
  const strings = { 'interaction-prompt': data.prompt };
  const views = data.views.split('|');
  data.levels.split('|').forEach((level, i) => {
    ['front', 'right', 'back', 'left'].forEach((side, j) => {
      strings[`${['upper-', '', 'lower-'][i]}${side}`] = `${level}: ${views[j]}`;
    });
  });
  return strings;
}

// `disan serve` only: a click on the model gives the annotation line to paste.
function pickPoints(viewer, status) {
  viewer.addEventListener('click', (event) => {
    const hit = viewer.positionAndNormalFromPoint(event.clientX, event.clientY);
    if (!hit) return;
    const round = (v) => Math.round(v * 1000) / 1000;
    const vector = (v) => `[${round(v.x)}, ${round(v.y)}, ${round(v.z)}]`;
    status.textContent = `- { position: ${vector(hit.position)}, normal: ${vector(hit.normal)}, label: … }`;
  });
}
