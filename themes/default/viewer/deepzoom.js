// The deep-zoom viewer: OpenSeadragon over the photograph's poster, fed the image's IIIF
// level-0 info.json. The info.json's `id` names where the site is published; the tiles are
// taken from beside the info.json actually fetched, so every request stays on the host that
// serves the page (a preview, a copy on a USB stick served locally, a mirror).
import OpenSeadragon from 'openseadragon';
import { icon } from './icons.js';

const ZOOM_STEP = 1.6;

export async function openViewer(frame, link, status) {
  const infoUrl = new URL(link.dataset.info, document.baseURI);
  const response = await fetch(infoUrl, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${infoUrl}: HTTP ${response.status}`);
  const info = await response.json();
  info.id = infoUrl.href.slice(0, infoUrl.href.lastIndexOf('/'));

  const stage = document.createElement('div');
  stage.className = 'zoom-stage';
  frame.append(stage);
  const viewer = OpenSeadragon({
    element: stage,
    tileSources: info,
    drawer: 'canvas', // 2D canvas: no WebGL context, nothing the page's policy must allow beyond its own images
    showNavigationControl: false,
    showNavigator: false,
    visibilityRatio: 1,
    constrainDuringPan: true,
    maxZoomPixelRatio: 2,
    gestureSettingsMouse: { clickToZoom: false },
    preserveImageSizeOnResize: true,
  });
  const shut = () => close(frame, stage, viewer, link, status);
  frame.zoomClose = shut; // a story closes it when its step changes
  viewer.addControl(toolbar(viewer, link, shut), { anchor: OpenSeadragon.ControlAnchor.TOP_LEFT });
  viewer.addHandler('canvas-key', (event) => zoomByKey(viewer, event));
  stage.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !viewer.isFullPage()) shut(); // in full screen, Escape leaves it first
  });
  viewer.addOnceHandler('tile-drawn', () => {
    frame.classList.add('zoom-drawn');
    status.textContent = link.dataset.ready;
  });
  viewer.addOnceHandler('open-failed', () => {
    status.textContent = link.dataset.failed;
  });
  viewer.canvas.setAttribute('role', 'application'); // its keys zoom and pan: a screen reader passes them through
  viewer.canvas.setAttribute('aria-label', link.dataset.ready);
  viewer.canvas.focus({ preventScroll: true });
  frame.zoomViewer = viewer; // for tests and for a site's own script
}

function toolbar(viewer, link, onClose) {
  const bar = document.createElement('div');
  bar.className = 'zoom-toolbar';
  const actions = [
    ['+', link.dataset.zoomIn, () => zoomBy(viewer, ZOOM_STEP)],
    ['−', link.dataset.zoomOut, () => zoomBy(viewer, 1 / ZOOM_STEP)],
    ['⤢', link.dataset.home, () => viewer.viewport.goHome()],
    [icon('fullscreen'), link.dataset.full, () => viewer.setFullScreen(!viewer.isFullPage())],
    [icon('close'), link.dataset.close, onClose],
  ];
  for (const [face, label, action] of actions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.append(face);
    button.title = label;
    button.setAttribute('aria-label', label);
    button.addEventListener('click', action);
    bar.append(button);
  }
  return bar;
}

// OpenSeadragon zooms by a little while + or − is held down, and only for the main keyboard's
// keys; a press of + or − on any keyboard (the keypad's too) zooms by a visible step here.
const KEY_ZOOM = { '+': ZOOM_STEP, '=': ZOOM_STEP, '-': 1 / ZOOM_STEP, '−': 1 / ZOOM_STEP };

function zoomByKey(viewer, event) {
  const { key, ctrlKey, altKey, metaKey } = event.originalEvent;
  if (!(key in KEY_ZOOM) || ctrlKey || altKey || metaKey) return;
  event.preventDefaultAction = true;
  zoomBy(viewer, KEY_ZOOM[key]);
}

function zoomBy(viewer, factor) {
  viewer.viewport.zoomBy(factor);
  viewer.viewport.applyConstraints();
}

function close(frame, stage, viewer, link, status) {
  if (viewer.isFullPage()) viewer.setFullScreen(false);
  viewer.destroy();
  stage.remove();
  frame.classList.remove('zoom-active', 'zoom-drawn');
  delete frame.zoomClose;
  status.textContent = '';
  link.focus();
}
