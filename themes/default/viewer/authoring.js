// disan serve only (a bundle of its own, never published): a click in the panorama gives the
// YAML line of a hotspot there, and a button gives the current view as a scene's `view:`.

import { DEG, el, fmt, isNum, normYaw, copyText } from './util.js';

function buildPanel(tour) {
  const S = tour.S;
  tour.authoringOut = el('code', { class: 'tour-authoring-yaml' });
  tour.authoringPos = el('p', { class: 'tour-authoring-position', text: S.authoring_hint });
  const result = el('span', { class: 'tour-copy-result', role: 'status', 'aria-live': 'polite' });
  const copyLine = el('button', {
    type: 'button',
    class: 'tour-button',
    'data-authoring': 'copy',
    onclick: async () => {
      if (!tour.authoringLine) return;
      result.textContent = (await copyText(tour.authoringLine)) ? S.copied : S.copy_failed;
    },
  }, S.authoring_copy);
  const useView = el('button', {
    type: 'button',
    class: 'tour-button',
    'data-authoring': 'view',
    onclick: async () => {
      const v = tour.getView();
      const line = `view: { yaw: ${fmt(v.yaw)}, pitch: ${fmt(v.pitch)}, fov: ${fmt(v.fov)} }`;
      tour.authoringOut.textContent = line;
      result.textContent = (await copyText(line)) ? S.copied : S.copy_failed;
    },
  }, S.use_as_view);
  tour.authoringEl = el('section', { class: 'tour-authoring', 'aria-label': S.authoring_title },
    el('h2', { class: 'tour-authoring-title', text: S.authoring_title }),
    tour.authoringPos,
    el('pre', { class: 'tour-authoring-pre' }, tour.authoringOut),
    el('p', { class: 'tour-card-actions' }, copyLine, useView, result));
  (tour.toolsEl || tour.viewerEl).after(tour.authoringEl);
}

function onClick(tour, e) {
  const data = e.data;
  if (!data || data.rightclick || !isNum(data.yaw)) return;
  const yaw = normYaw(data.yaw / DEG);
  const pitch = data.pitch / DEG;
  const fov = tour.getView().fov;
  tour.authoringPos.textContent = `yaw ${fmt(yaw)}° · pitch ${fmt(pitch)}° · fov ${fmt(fov)}°`;
  tour.authoringLine = `- { yaw: ${fmt(yaw)}, pitch: ${fmt(pitch)}, go: ?, label: ? }`;
  tour.authoringOut.textContent = tour.authoringLine;
  const pin = {
    id: 'authoring-pin',
    element: el('div', { class: 'tour-authoring-pin' }),
    position: { yaw: data.yaw, pitch: data.pitch },
    size: { width: 20, height: 20 },
    anchor: 'center center',
    data: { authoring: true },
  };
  try {
    tour.markers.removeMarker('authoring-pin');
  } catch {
    // not there yet
  }
  tour.markers.addMarker(pin);
}

function install(tour) {
  if (!tour.authoring || !tour.viewer) return;
  buildPanel(tour);
  tour.viewer.addEventListener('click', (e) => onClick(tour, e));
}

if (window.disanTour) window.disanTour.extend(install);
else document.addEventListener('disan:tour', () => window.disanTour.extend(install), { once: true });
