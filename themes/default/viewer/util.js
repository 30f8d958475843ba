// Constants and small helpers shared by the viewer's modules.

export const DEG = Math.PI / 180;
export const MIN_FOV = 30;
export const MAX_FOV = 100;
export const DEFAULT_FOV = 75;
export const HASH_DELAY = 300;
export const AUTOROTATE_DELAY = 4000;
export const HOTSPOT_TYPES = ['go', 'exhibit', 'audio', 'image', 'video', 'text', 'url'];
export const HOTSPOT_SIZE = { width: 44, height: 44 };
const KEY_TURN = 10; // degrees of yaw or pitch per arrow key press
const KEY_ZOOM = 10; // degrees of field of view per + or − press
/** What the arrow, Page and + − keys do to [yaw, pitch, fov] in the views without PSV (glance, cube). */
export const KEY_STEPS = {
  ArrowLeft: [-KEY_TURN, 0, 0],
  ArrowRight: [KEY_TURN, 0, 0],
  ArrowUp: [0, KEY_TURN, 0],
  ArrowDown: [0, -KEY_TURN, 0],
  PageUp: [0, 0, -KEY_ZOOM],
  PageDown: [0, 0, KEY_ZOOM],
  '+': [0, 0, -KEY_ZOOM],
  '=': [0, 0, -KEY_ZOOM],
  '-': [0, 0, KEY_ZOOM],
  _: [0, 0, KEY_ZOOM],
};
export const PLAN_HOTSPOT = {
  size: 16,
  color: '#ffffff',
  borderSize: 3,
  borderColor: '#8a3b12',
  hoverBorderSize: 4,
  hoverBorderColor: '#ffd27a',
};

// ------------------------------------------------------------------------------ helpers

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

export const clamp = (v, min, max) => Math.min(max, Math.max(min, v));
export const round1 = (v) => Math.round(v * 10) / 10;
export const fmt = (v) => String(round1(v) === 0 ? 0 : round1(v)); // no "-0"
export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
export const hotspotPosition = (hotspot) => ({ yaw: (Number(hotspot.yaw) || 0) * DEG, pitch: (Number(hotspot.pitch) || 0) * DEG });

/** Preloading the next scenes pays only where bandwidth is plenty: on Save-Data or a weak link
 *  (under 5 Mbit/s, as the browser estimates it), this scene's tiles get it all. */
export function fastConnection() {
  const connection = navigator.connection;
  return !connection || (!connection.saveData && connection.effectiveType === '4g' && connection.downlink >= 5);
}

/** Degrees to (-180, 180]. */
export function normYaw(deg) {
  const y = (((deg + 180) % 360) + 360) % 360 - 180;
  return y === -180 ? 180 : y;
}

export const fovToZoom = (fov) => clamp(((MAX_FOV - fov) / (MAX_FOV - MIN_FOV)) * 100, 0, 100);
export const zoomToFov = (zoom) => MAX_FOV - (zoom / 100) * (MAX_FOV - MIN_FOV);

export function resolveUrl(path, base) {
  try {
    return new URL(path, base || document.baseURI).href;
  } catch {
    return path;
  }
}

export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = el('textarea', { class: 'tour-offscreen', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

