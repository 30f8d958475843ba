// disan story page: one live panel beside the text (above it on a phone) that follows the step
// being read.  Steps are server-rendered HTML with their own still pictures; this script only
// adds the panel.  A tour is one frame of its embed page, kept for every step that shows it
// and moved there by postMessage (phones allow few WebGL contexts); a 3D model is one
// <model-viewer> whose camera-orbit changes; a map is one frame of the map page.
//
// Reads the page contract of story.html: #story, #story-stage, .story-step[data-view] with
// data-frame/data-scene/data-yaw/data-pitch/data-fov (scene), data-model/data-orbit/data-fov
// (model), data-image/data-alt/data-zoom-image/data-region/data-image-size (image region),
// data-frame/data-place (map); [data-go] links; audio[data-start].

import { openZoom } from './zoom.js';

const root = document.getElementById('story');
const stage = document.getElementById('story-stage');
const steps = root ? [...root.querySelectorAll('.story-step')] : [];
const frames = new Map(); // frame URL → { element, loaded }
let modelViewer = null;
let still = null; // the <img> of image steps, in its frame with the "Zoom in" button
let imageFrame = null;
let zoomButton = null;
let current = -1;

function start() {
  root.classList.add('story-live');
  stage.hidden = false;
  stage.setAttribute('role', 'region');
  stage.setAttribute('aria-label', root.dataset.stageLabel || '');
  for (const audio of root.querySelectorAll('audio[data-start]')) seekOnPlay(audio);
  root.addEventListener('click', (event) => {
    const link = event.target.closest('[data-go]');
    if (!link) return;
    event.preventDefault();
    go(Number(link.dataset.go) - 1);
  });
  document.addEventListener('keydown', onKey);
  watch();
  const fromHash = steps.findIndex((step) => `#${step.id}` === location.hash);
  activate(fromHash >= 0 ? fromHash : 0);
}

/** The step crossing a line near the top of what the text leaves visible becomes current.  The
 * root is this document's own viewport: in a lesson's frame on another site the implicit root is
 * the lesson's window, where the margins that draw the line are ignored. */
function watch() {
  const narrow = window.matchMedia('(max-width: 52em)').matches;
  const margin = narrow ? '-62% 0px -30% 0px' : '-40% 0px -55% 0px';
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) activate(steps.indexOf(entry.target));
    }
  }, { root: document, rootMargin: margin });
  steps.forEach((step) => observer.observe(step));
}

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest && event.target.closest('input, textarea, select, audio, model-viewer, .zoom-stage, [contenteditable]')) return;
  if (event.key === 'ArrowRight') go(current + 1);
  else if (event.key === 'ArrowLeft') go(current - 1);
  else return;
  event.preventDefault();
}

/** Next/previous: the step scrolls into view and its view shows at once. */
function go(index) {
  if (index < 0 || index >= steps.length) return;
  const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  steps[index].scrollIntoView({ behavior: reduce ? 'auto' : 'smooth', block: 'start' });
  activate(index);
  const heading = steps[index].querySelector('h2');
  if (heading) {
    heading.tabIndex = -1; // a keyboard or screen-reader user goes on reading from the step
    heading.focus({ preventScroll: true });
  }
  history.replaceState(history.state, '', `#${steps[index].id}`);
}

function activate(index) {
  if (index < 0 || index === current) return;
  current = index;
  steps.forEach((step, i) => {
    step.classList.toggle('is-current', i === index);
    if (i === index) step.setAttribute('aria-current', 'step');
    else step.removeAttribute('aria-current');
  });
  const step = steps[index];
  const data = step.dataset;
  if (data.view === 'scene') showScene(data);
  else if (data.view === 'model') showModel(data);
  else if (data.view === 'image') showImage(data);
  else if (data.view === 'map') showMap(data);
}

function showOnly(element) {
  for (const child of stage.children) child.hidden = child !== element;
}

function frameFor(url, title) {
  let found = frames.get(url);
  if (!found) {
    const element = document.createElement('iframe');
    element.className = 'story-frame';
    element.title = title || '';
    element.setAttribute('allow', 'fullscreen; gyroscope; accelerometer; xr-spatial-tracking');
    found = { element, loaded: false, pending: null };
    element.addEventListener('load', () => {
      found.loaded = true;
      if (found.pending) found.pending();
    });
    frames.set(url, found);
    stage.append(element);
  }
  found.element.title = title || ''; // the step's place or scene, not the first step's
  showOnly(found.element);
  return found;
}

function showScene(data) {
  const view = { scene: data.scene, yaw: Number(data.yaw), pitch: Number(data.pitch), fov: Number(data.fov) };
  const frame = frameFor(data.frame, data.title);
  const send = () => frame.element.contentWindow.postMessage({ disan: 'view', ...view }, location.origin);
  if (!frame.element.src) {
    frame.element.src = `${data.frame}#scene=${encodeURIComponent(view.scene)}&yaw=${view.yaw}&pitch=${view.pitch}&fov=${view.fov}`;
  }
  frame.pending = send;
  if (frame.loaded) send();
}

/** An image region: the still the step shows, with what a zoom viewer needs to take it over. */
function showImage(data) {
  if (!still) {
    imageFrame = document.createElement('div');
    imageFrame.className = 'zoom-frame story-image-frame';
    still = document.createElement('img');
    still.className = 'story-image';
    imageFrame.append(still);
    stage.append(imageFrame);
  }
  if (imageFrame.zoomClose) imageFrame.zoomClose();
  showOnly(imageFrame);
  showZoomButton(data);
  still.src = data.image;
  still.alt = data.alt || '';
  still.dataset.zoomImage = data.zoomImage;
  still.dataset.region = data.region;
  still.dataset.imageSize = data.imageSize;
}

/** With deep-zoom tiles of the image (data-zoom-info), a "Zoom in" button opens the viewer
 * (zoom.js, then vendor/deepzoom.js) framed on the step's region. */
function showZoomButton(data) {
  if (zoomButton) zoomButton.remove();
  zoomButton = null;
  if (!data.zoomInfo || !root.dataset.zoomViewer) return;
  zoomButton = document.createElement('button');
  zoomButton.type = 'button';
  zoomButton.className = 'zoom-open';
  zoomButton.textContent = root.dataset.zoomOpen;
  const labels = ['zoomIn', 'zoomOut', 'home', 'full', 'close', 'loading', 'ready', 'failed'];
  for (const name of labels) zoomButton.dataset[name] = root.dataset[name];
  zoomButton.dataset.viewer = root.dataset.zoomViewer;
  zoomButton.dataset.info = data.zoomInfo;
  zoomButton.addEventListener('click', async () => {
    const viewer = await openZoom(imageFrame, zoomButton);
    if (viewer && data.region) fitRegion(viewer, data.region.split(',').map(Number), data.imageSize.split(',').map(Number));
  });
  imageFrame.append(zoomButton);
}

/** The region is in the pixels of data-image-size; the tiles may be of another size of the image. */
function fitRegion(viewer, region, imageSize) {
  const fit = () => {
    const scale = viewer.world.getItemAt(0).source.dimensions.x / imageSize[0];
    const [x, y, width, height] = region.map((n) => n * scale);
    viewer.viewport.fitBounds(viewer.viewport.imageToViewportRectangle(x, y, width, height), true);
  };
  if (viewer.world.getItemCount()) fit();
  else viewer.addOnceHandler('open', fit);
}

function showMap(data) {
  const frame = frameFor(data.frame, data.title);
  const url = `${data.frame}#${encodeURIComponent(data.place)}`;
  const move = () => frame.element.contentWindow.location.replace(new URL(url, location.href).href);
  if (!frame.element.src) frame.element.src = url;
  else if (frame.loaded) move();
  else frame.pending = move; // a later step reached while the map still loads: its place wins
}

async function showModel(data) {
  if (!modelViewer) {
    const decoders = new URL(root.dataset.decoders, location.href).href;
    self.ModelViewerElement = {
      dracoDecoderLocation: decoders,
      ktx2TranscoderLocation: decoders,
      meshoptDecoderLocation: decoders + 'meshopt_decoder.js',
    };
    modelViewer = document.createElement('model-viewer');
    modelViewer.className = 'story-model';
    for (const [name, value] of Object.entries({ 'camera-controls': '', 'touch-action': 'pan-y', 'interaction-prompt': 'none', 'environment-image': 'neutral', 'shadow-intensity': '1' })) {
      modelViewer.setAttribute(name, value);
    }
    stage.append(modelViewer);
    import(new URL(root.dataset.modelViewer, location.href).href).catch((err) => console.error(err));
  }
  showOnly(modelViewer);
  const src = new URL(data.model, location.href).href;
  if (modelViewer.getAttribute('src') !== src) modelViewer.setAttribute('src', src);
  modelViewer.setAttribute('alt', data.alt || '');
  modelViewer.setAttribute('camera-orbit', data.orbit);
  modelViewer.setAttribute('field-of-view', data.fov);
}

/** The media fragment (#t=) starts the clip where the step says; a browser that ignores it is
 *  moved there when playing begins. */
function seekOnPlay(audio) {
  const startAt = Number(audio.dataset.start) || 0;
  audio.addEventListener('play', () => {
    if (audio.currentTime < startAt - 0.5) audio.currentTime = startAt;
  }, { once: true });
}

if (root && stage && steps.some((step) => step.dataset.view)) start();
