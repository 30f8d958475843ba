// disan tour page: one Photo Sphere Viewer instance, reused for every scene of a tour: the
// virtual-tour plugin holds the scenes as nodes and the `go` hotspots as links.
//
// Reads the page contract (the tour.html template of the default theme): #tour, #viewer with a server-rendered
// poster, .tour-tools, #scene-description, #tour-index and the JSON CONFIG in #tour-data.
// CONFIG.narration (optional) is the guided tour: audio, cues {t, scene, yaw, pitch, fov} and
// captions; the page's <audio data-narration> plays it when there is one.
// Angles in CONFIG and in the URL hash are degrees: yaw 0 = centre of the equirectangular
// image, + to the right; pitch + up; fov = vertical field of view.
//
// Everything is built with DOM APIs (no inline style attributes, no eval) so that the
// page's strict CSP holds.

import { Viewer } from '@photo-sphere-viewer/core';
import { CubemapTilesAdapter } from '@photo-sphere-viewer/cubemap-tiles-adapter';
import { MarkersPlugin } from '@photo-sphere-viewer/markers-plugin';
import { GyroscopePlugin } from '@photo-sphere-viewer/gyroscope-plugin';
import { StereoPlugin } from '@photo-sphere-viewer/stereo-plugin';
import { MapPlugin } from '@photo-sphere-viewer/map-plugin';
import { CompassPlugin } from '@photo-sphere-viewer/compass-plugin';
import { AutorotatePlugin } from '@photo-sphere-viewer/autorotate-plugin';
import { VirtualTourPlugin } from '@photo-sphere-viewer/virtual-tour-plugin';

import '@photo-sphere-viewer/core/index.css';
import '@photo-sphere-viewer/markers-plugin/index.css';
import '@photo-sphere-viewer/map-plugin/index.css';
import '@photo-sphere-viewer/compass-plugin/index.css';
import '@photo-sphere-viewer/virtual-tour-plugin/index.css';
import './tour.css';

import { strings } from './i18n.js';
import { icon, compassSvg } from './icons.js';
import { setUp as setUpModel } from './model3d.js';

const DEG = Math.PI / 180;
const MIN_FOV = 30;
const MAX_FOV = 100;
const DEFAULT_FOV = 75;
const HASH_DELAY = 300;
const AUTOROTATE_DELAY = 4000;
const HOTSPOT_TYPES = ['go', 'exhibit', 'audio', 'image', 'video', 'text', 'url'];
const HOTSPOT_SIZE = { width: 44, height: 44 };
const PLAN_HOTSPOT = {
  size: 16,
  color: '#ffffff',
  borderSize: 3,
  borderColor: '#8a3b12',
  hoverBorderSize: 4,
  hoverBorderColor: '#ffd27a',
};

// ------------------------------------------------------------------------------ helpers

function el(tag, attrs, ...children) {
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

const clamp = (v, min, max) => Math.min(max, Math.max(min, v));
const round1 = (v) => Math.round(v * 10) / 10;
const fmt = (v) => String(round1(v) === 0 ? 0 : round1(v)); // no "-0"
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const hotspotPosition = (hotspot) => ({ yaw: (Number(hotspot.yaw) || 0) * DEG, pitch: (Number(hotspot.pitch) || 0) * DEG });

/** Preloading the next scenes pays only where bandwidth is plenty: on Save-Data or a weak link
 *  (under 5 Mbit/s, as the browser estimates it), this scene's tiles get it all. */
function fastConnection() {
  const connection = navigator.connection;
  return !connection || (!connection.saveData && connection.effectiveType === '4g' && connection.downlink >= 5);
}

/** Degrees to (-180, 180]. */
function normYaw(deg) {
  const y = (((deg + 180) % 360) + 360) % 360 - 180;
  return y === -180 ? 180 : y;
}

const fovToZoom = (fov) => clamp(((MAX_FOV - fov) / (MAX_FOV - MIN_FOV)) * 100, 0, 100);
const zoomToFov = (zoom) => MAX_FOV - (zoom / 100) * (MAX_FOV - MIN_FOV);

function resolveUrl(path, base) {
  try {
    return new URL(path, base || document.baseURI).href;
  } catch {
    return path;
  }
}

function escapeAttr(value) {
  return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function copyText(text) {
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

// ------------------------------------------------------------------------------ the tour

class Tour {
  constructor(root) {
    this.root = root;
    this.viewerEl = root.querySelector('#viewer') || root.querySelector('.viewer');
    this.config = JSON.parse(root.querySelector('#tour-data')?.textContent || document.getElementById('tour-data').textContent);
    this.S = strings(this.config.strings);
    this.scenes = new Map((this.config.scenes || []).map((scene) => [scene.id, scene]));
    this.authoring = root.dataset.authoring === 'true';
    this.embedUrl = root.dataset.embedUrl || '';
    this.motion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
    this.viewer = null;
    this.markers = null;
    this.current = null; // scene id
    this.view = null; // the view while the viewer is not there (fallback) or not ready
    this.hashTimer = 0;
    this.lastHash = '';
    this.readyResolve = null;
    this.ready = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
  }

  get reducedMotion() {
    return !!(this.motion && this.motion.matches);
  }

  start() {
    const fromHash = this.parseHash();
    const first = this.scenes.has(fromHash.scene) ? fromHash.scene : this.scenes.has(this.config.start) ? this.config.start : this.scenes.keys().next().value;
    if (!first) return;
    const view = this.sceneView(this.scenes.get(first), fromHash.scene === first ? fromHash.view : null);
    this.current = first;
    this.view = view;

    this.buildChrome();
    this.bindIndex();
    window.addEventListener('hashchange', () => this.onHashChange());

    if (!this.hasWebGL2()) {
      this.showFallback(this.S.webgl_missing);
      this.afterSceneChange(false);
      this.readyResolve(false);
    } else {
      try {
        this.createViewer(this.scenes.get(first), view);
      } catch (err) {
        console.error(err);
        this.viewer = null;
        this.showFallback(this.S.webgl_missing);
        this.readyResolve(false);
      }
      this.afterSceneChange(false);
    }
    this.initGuide();
    this.expose();
  }

  hasWebGL2() {
    // A real context costs ~0.1 s on a phone and PSV makes its own; creating the viewer
    // throws when WebGL 2 does not work, and that falls back too.
    return typeof WebGL2RenderingContext !== 'undefined';
  }

  // ---------------------------------------------------------------------------- config

  panorama(scene) {
    const pano = scene.panorama || {};
    const base = resolveUrl(scene.base || './');
    const template = pano.tileUrl || 'tiles/{level}/{face}_{row}_{col}.jpg';
    const resolvePaths = (value) => {
      if (typeof value === 'string') return resolveUrl(value, base);
      if (Array.isArray(value)) return value.map((v) => resolveUrl(v, base));
      if (value && typeof value === 'object') {
        const out = { ...value };
        if (out.path) out.path = resolveUrl(out.path, base);
        if (out.paths) out.paths = resolvePaths(out.paths);
        if (!out.type) for (const face of Object.keys(out)) out[face] = resolveUrl(out[face], base);
        return out;
      }
      return value;
    };
    const result = {
      tileUrl: (face, col, row, level) => resolveUrl(
        template.replace('{level}', level || 0).replace('{face}', face).replace('{row}', row).replace('{col}', col),
        base,
      ),
      flipTopBottom: !!pano.flipTopBottom,
    };
    if (pano.levels) result.levels = pano.levels.map((level) => ({ faceSize: level.faceSize, nbTiles: level.nbTiles }));
    else Object.assign(result, { faceSize: pano.faceSize, nbTiles: pano.nbTiles });
    if (pano.baseUrl) result.baseUrl = resolvePaths(pano.baseUrl);
    return result;
  }

  /** The full view for a scene: `partial` (any of yaw/pitch/fov) over the scene's own view. */
  sceneView(scene, partial) {
    const own = (scene && scene.view) || {};
    const pick = (key, fallback) => (partial && isNum(partial[key]) ? partial[key] : isNum(own[key]) ? own[key] : fallback);
    return {
      yaw: normYaw(pick('yaw', 0)),
      pitch: clamp(pick('pitch', 0), -90, 90),
      fov: clamp(pick('fov', DEFAULT_FOV), MIN_FOV, MAX_FOV),
    };
  }

  // ---------------------------------------------------------------------------- viewer

  createViewer(scene, view) {
    const S = this.S;
    const plugins = [
      [MarkersPlugin, { defaultHoverScale: false }],
      [GyroscopePlugin, { touchmove: true, roll: false }],
      StereoPlugin,
      [CompassPlugin, {
        size: this.viewerEl.clientWidth < 640 ? '64px' : '88px',
        position: 'top right',
        navigation: true,
        backgroundSvg: compassSvg(scene.north || 0),
        className: 'tour-compass',
      }],
    ];
    if (this.config.plan && this.config.plan.src) {
      plugins.push([MapPlugin, this.mapConfig(scene)]);
    }
    const speed = Number(this.config.autorotate);
    this.autorotateSpeed = speed && !this.authoring ? speed : 0;
    if (this.autorotateSpeed) {
      const on = !this.reducedMotion;
      plugins.push([AutorotatePlugin, {
        autostartDelay: on ? AUTOROTATE_DELAY : null,
        autostartOnIdle: on,
        autorotateSpeed: `${this.autorotateSpeed}dps`,
      }]);
    }
    plugins.push([VirtualTourPlugin, this.virtualTourConfig(scene)]);

    const viewer = new Viewer({
      container: this.viewerEl,
      adapter: [CubemapTilesAdapter, { showErrorTile: false, baseBlur: false, antialias: true }],
      defaultYaw: view.yaw * DEG,
      defaultPitch: view.pitch * DEG,
      defaultZoomLvl: fovToZoom(view.fov),
      minFov: MIN_FOV,
      maxFov: MAX_FOV,
      navbar: false,
      keyboard: false, // started/stopped when #viewer gets/loses the focus
      keyboardActions: {
        ArrowUp: 'ROTATE_UP',
        ArrowDown: 'ROTATE_DOWN',
        ArrowRight: 'ROTATE_RIGHT',
        ArrowLeft: 'ROTATE_LEFT',
        PageUp: 'ZOOM_IN',
        PageDown: 'ZOOM_OUT',
        '+': 'ZOOM_IN',
        '=': 'ZOOM_IN',
        '-': 'ZOOM_OUT',
        _: 'ZOOM_OUT',
      },
      mousewheelCtrlKey: true,
      touchmoveTwoFingers: false,
      moveInertia: !this.reducedMotion,
      canvasBackground: '#111',
      defaultTransition: { speed: 600, rotation: false, effect: 'fade' },
      loadingTxt: S.loading,
      lang: {
        loading: S.loading,
        close: S.close,
        twoFingers: S.two_fingers,
        ctrlZoom: S.ctrl_zoom,
        loadError: S.load_error,
        webglError: S.webgl_missing,
        map: S.map,
        mapMaximize: S.map_maximize,
        mapMinimize: S.map_minimize,
        mapReset: S.map_reset,
        stereoNotification: S.stereo_notification,
        pleaseRotate: S.please_rotate,
        tapToContinue: S.tap_to_continue,
      },
      plugins,
    });
    if (!viewer.renderer) {
      // PSV could not start WebGL (it shows its own message): use ours instead.
      try {
        viewer.parent.removeChild(viewer.container);
      } catch {
        // already gone
      }
      throw new Error('WebGL 2 is not available');
    }
    this.viewer = viewer;
    this.markers = viewer.getPlugin(MarkersPlugin);
    this.gyroscope = viewer.getPlugin(GyroscopePlugin);
    this.stereo = viewer.getPlugin(StereoPlugin);
    this.compass = viewer.getPlugin(CompassPlugin);
    this.map = viewer.getPlugin(MapPlugin) || null;
    this.autorotate = viewer.getPlugin(AutorotatePlugin) || null;
    this.tour = viewer.getPlugin(VirtualTourPlugin);
    if (!isNum(scene.north)) this.compass.hide();

    viewer.addEventListener('panorama-loaded', () => this.onFirstRender(), { once: true });
    viewer.addEventListener('panorama-error', () => this.showFallback(S.load_error));
    viewer.addEventListener('position-updated', () => this.scheduleHash());
    viewer.addEventListener('zoom-updated', () => this.scheduleHash());
    viewer.addEventListener('fullscreen', () => this.syncFullscreen());
    this.markers.addEventListener('select-marker', (e) => {
      const data = e.marker.data || {};
      if (data.authoring) return;
      this.activate(data.scene, data.index, e.marker.domElement);
    });
    this.tour.addEventListener('node-changed', () => this.onSceneShown());
    if (this.authoring) viewer.addEventListener('click', (e) => this.onAuthoringClick(e));

    // keyboard control only while the viewer has the focus
    this.viewerEl.addEventListener('focusin', () => viewer.startKeyboardControl());
    this.viewerEl.addEventListener('focusout', (e) => {
      if (!this.viewerEl.contains(e.relatedTarget)) viewer.stopKeyboardControl();
    });

    // WebGL context loss: flat image in place of the viewer until the context comes back
    const canvas = viewer.renderer.renderer.domElement;
    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      this.contextLost = true;
      this.showFallback(S.webgl_lost);
    });
    canvas.addEventListener('webglcontextrestored', () => {
      this.contextLost = false;
      this.hideFallback();
      this.reloadScene();
    });

    if (this.motion && this.motion.addEventListener) {
      this.motion.addEventListener('change', () => this.applyMotionPreference());
    }
  }

  onFirstRender() {
    // two frames: the preview stripe is drawn before the poster goes away
    requestAnimationFrame(() => requestAnimationFrame(() => {
      this.root.classList.add('tour--ready');
      this.readyResolve(true);
    }));
  }

  applyMotionPreference() {
    const reduce = this.reducedMotion;
    this.viewer.setOption('moveInertia', !reduce);
    if (this.autorotate) {
      // off while the guide plays (an endless delay also stops PSV's first start after loading)
      const guiding = this.guide && !this.guide.audio.paused;
      this.autorotate.setOptions({ autostartOnIdle: !reduce && !guiding, autostartDelay: guiding ? Infinity : AUTOROTATE_DELAY });
      if (reduce || guiding) this.autorotate.stop();
    }
  }

  reloadScene() {
    if (!this.viewer || !this.current) return;
    this.tour.setCurrentNode(this.current, { ...this.transition(this.getView(), true), forceUpdate: true }).catch(() => {});
  }

  // ---------------------------------------------------------------------------- scenes as tour nodes

  /** PSV's virtual tour: every scene a node, every `go` hotspot a link drawn as our own hotspot. */
  virtualTourConfig(first) {
    const config = {
      renderMode: '2d',
      nodes: [...this.scenes.values()].map((scene) => this.tourNode(scene)),
      startNodeId: first.id,
      preload: fastConnection, // the linked scenes' previews, for instant switches
      showLinkTooltip: false,
      arrowStyle: { size: HOTSPOT_SIZE },
      transitionOptions: (node, fromNode, fromLink) => this.linkTransition(node, fromNode, fromLink),
    };
    if (this.config.plan && this.config.plan.src) config.map = { imageUrl: resolveUrl(this.config.plan.src) }; // sets MapPlugin's image
    return config;
  }

  tourNode(scene) {
    const point = this.planPoint(scene);
    return {
      id: scene.id,
      name: scene.title || scene.id,
      panorama: this.panorama(scene),
      links: this.sceneLinks(scene),
      markers: this.sceneMarkers(scene),
      map: point ? { ...point, ...PLAN_HOTSPOT } : false,
    };
  }

  /** Called by the plugin as a scene starts loading, whoever asked for it (a link, the plan, goto). */
  linkTransition(node, fromNode, fromLink) {
    if (!fromNode) return this.transition(this.view, true);
    this.beginSceneChange(node.id, true);
    const view = this.sceneView(this.scenes.get(node.id), fromLink && fromLink.data && fromLink.data.view);
    return this.transition(view, false);
  }

  transition(view, instant) {
    return {
      rotateTo: { yaw: view.yaw * DEG, pitch: view.pitch * DEG },
      zoomTo: fovToZoom(view.fov),
      showLoader: false,
      effect: instant || this.reducedMotion ? 'none' : 'fade',
      speed: 600,
      rotation: false,
    };
  }

  // ---------------------------------------------------------------------------- markers

  sceneMarkers(scene) {
    return (scene.hotspots || []).flatMap((hotspot, index) => (hotspot.type === 'go' ? [] : [{
      id: `hotspot-${index}`,
      element: this.markerElement(scene, hotspot, index),
      position: hotspotPosition(hotspot),
      size: HOTSPOT_SIZE,
      anchor: 'center center',
      data: { scene: scene.id, index },
    }]));
  }

  sceneLinks(scene) {
    return (scene.hotspots || []).flatMap((hotspot, index) => (hotspot.type !== 'go' || !this.scenes.has(hotspot.target) ? [] : [{
      nodeId: hotspot.target,
      position: hotspotPosition(hotspot),
      arrowStyle: { element: () => this.markerElement(scene, hotspot, index) },
      data: { view: hotspot.view },
    }]));
  }

  markerElement(scene, hotspot, index) {
    const type = HOTSPOT_TYPES.includes(hotspot.type) ? hotspot.type : 'text';
    const label = hotspot.label || (type === 'go' && this.scenes.get(hotspot.target)?.title) || '';
    const node = el('div', {
      class: `tour-hotspot tour-hotspot--${type}`,
      'data-scene': scene.id,
      'data-hotspot': index,
      title: label || null,
    }, el('span', { class: 'tour-hotspot-icon' }, icon(type)));
    if (label) node.append(el('span', { class: 'tour-hotspot-label', text: label }));
    // the arrow of a "go" hotspot points where it leads
    return node;
  }

  // ---------------------------------------------------------------------------- plan

  planPoint(scene) {
    const plan = this.config.plan;
    const pos = scene && scene.plan_position;
    if (!plan || !pos || !isNum(pos.x) || !isNum(pos.y)) return null;
    return { x: pos.x * plan.width, y: pos.y * plan.height };
  }

  mapConfig(scene) {
    const point = this.planPoint(scene);
    const heading = (scene.plan_position && Number(scene.plan_position.heading)) || 0;
    return {
      center: point || { x: this.config.plan.width / 2, y: this.config.plan.height / 2 },
      rotation: `${heading}deg`,
      static: true, // the plan keeps north up; the pin turns with the view
      shape: 'square',
      size: this.viewerEl.clientWidth < 640 ? '120px' : '180px',
      position: 'bottom left',
      visibleOnLoad: !!point,
      coneColor: '#e8a33d',
      buttons: { maximize: true, close: true, reset: true, north: false },
    };
  }

  updatePlugins(scene) {
    if (this.compass) {
      if (isNum(scene.north)) {
        this.compass.setOptions({ backgroundSvg: compassSvg(scene.north) });
        this.compass.show();
      } else {
        this.compass.hide();
      }
    }
    if (this.map) {
      const point = this.planPoint(scene);
      if (point) {
        const heading = Number(scene.plan_position.heading) || 0;
        this.map.setOptions({ rotation: `${heading}deg` });
        this.map.show();
      } else {
        this.map.hide();
      }
    }
  }

  // ---------------------------------------------------------------------------- navigation

  /** Goes to a scene (and view: any of yaw/pitch/fov in degrees).  Resolves when shown. */
  async goto(sceneId, view, options = {}) {
    const scene = this.scenes.get(sceneId);
    if (!scene) return false;
    const target = this.sceneView(scene, view);
    const sameScene = sceneId === this.current;
    this.view = target;
    if (!this.viewer || this.contextLost) {
      this.current = sceneId;
      if (!sameScene) this.afterSceneChange(options.announce !== false);
      else this.writeHash();
      if (this.fallbackEl && !this.fallbackEl.hidden) this.showFallback(this.fallbackMessage);
      return true;
    }
    if (sameScene) {
      this.setView(target);
      return true;
    }
    this.beginSceneChange(sceneId, options.announce !== false);
    try {
      return await this.tour.setCurrentNode(sceneId, this.transition(target, false));
    } catch (err) {
      console.error(err);
      return false;
    }
  }

  beginSceneChange(sceneId, announce) {
    if (sceneId === this.current) return;
    this.pauseAudio();
    this.current = sceneId;
    this.afterSceneChange(announce);
  }

  onSceneShown() {
    this.updatePlugins(this.scenes.get(this.current));
    if (!this.contextLost) this.hideFallback();
    this.writeHash();
  }

  setView(view, instant) {
    const position = { yaw: view.yaw * DEG, pitch: view.pitch * DEG };
    const zoom = fovToZoom(view.fov);
    if (instant || this.reducedMotion) {
      this.viewer.stopAnimation();
      this.viewer.rotate(position);
      this.viewer.zoom(zoom);
    } else {
      this.viewer.animate({ ...position, zoom, speed: '12rpm' });
    }
  }

  getView() {
    if (!this.viewer || !this.viewer.state.ready) return { ...this.view };
    const pos = this.viewer.getPosition();
    return {
      yaw: normYaw(pos.yaw / DEG),
      pitch: pos.pitch / DEG,
      fov: zoomToFov(this.viewer.getZoomLevel()),
    };
  }

  afterSceneChange(announce) {
    const scene = this.scenes.get(this.current);
    // index: mark the current scene
    for (const item of this.root.querySelectorAll('#tour-index [data-scene]:not([data-hotspot])')) {
      const here = item.getAttribute('data-scene') === this.current;
      if (item.tagName === 'LI') item.classList.toggle('is-current', here);
      else if (here) item.setAttribute('aria-current', 'location');
      else item.removeAttribute('aria-current');
    }
    const own = document.getElementById(`scene-desc-${this.current}`);
    if (own && this.viewerEl) this.viewerEl.setAttribute('aria-describedby', own.id);
    const description = this.root.querySelector('#scene-description') || document.getElementById('scene-description');
    if (description && (announce || typeof scene.description === 'string')) {
      description.textContent = typeof scene.description === 'string' ? scene.description : (scene.title || '');
    }
    if (this.viewerEl && scene.title) this.viewerEl.setAttribute('data-scene-title', scene.title);
    if (announce) this.announce(scene.title || scene.id);
    this.writeHash();
  }

  // ---------------------------------------------------------------------------- URL hash

  parseHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const view = {};
    for (const key of ['yaw', 'pitch', 'fov']) {
      const raw = params.get(key);
      if (raw !== null && raw.trim() !== '' && Number.isFinite(Number(raw))) view[key] = Number(raw);
    }
    return { scene: params.get('scene'), view };
  }

  hashFor(sceneId, view) {
    return `#scene=${encodeURIComponent(sceneId)}&yaw=${fmt(view.yaw)}&pitch=${fmt(view.pitch)}&fov=${fmt(view.fov)}`;
  }

  scheduleHash() {
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => this.writeHash(), HASH_DELAY);
  }

  writeHash() {
    clearTimeout(this.hashTimer);
    if (!this.current) return;
    const hash = this.hashFor(this.current, this.getView());
    if (hash === location.hash) return;
    this.lastHash = hash;
    try {
      history.replaceState(history.state, '', hash);
    } catch {
      // sandboxed iframes may refuse: the view still works
    }
  }

  onHashChange() {
    if (location.hash === this.lastHash) return;
    const { scene, view } = this.parseHash();
    if (scene && this.scenes.has(scene)) this.goto(scene, view);
  }

  shareUrl() {
    const url = new URL(location.href);
    url.hash = this.hashFor(this.current, this.getView()).slice(1);
    return url.href;
  }

  embedSnippet() {
    const url = new URL(this.embedUrl, location.href);
    url.hash = this.hashFor(this.current, this.getView()).slice(1);
    const scene = this.scenes.get(this.current);
    const title = document.title || (scene && scene.title) || '';
    return `<iframe src="${escapeAttr(url.href)}" title="${escapeAttr(title)}" width="100%" height="480" `
      + 'allow="fullscreen; gyroscope; accelerometer; xr-spatial-tracking" allowfullscreen loading="lazy"></iframe>';
  }

  // ---------------------------------------------------------------------------- hotspots

  activate(sceneId, index, invoker) {
    const scene = this.scenes.get(sceneId);
    const hotspot = scene && scene.hotspots && scene.hotspots[index];
    if (!hotspot) return;
    switch (hotspot.type) {
      case 'go':
        this.goto(hotspot.target, hotspot.view || null);
        return;
      case 'audio':
        this.toggleAudio(hotspot, sceneId, index);
        return;
      default:
        this.openCard(hotspot, invoker);
    }
  }

  toggleAudio(hotspot, sceneId, index) {
    const src = resolveUrl(hotspot.src);
    if (!this.audio) {
      this.audio = el('audio', { preload: 'none', controls: true });
      this.audioLabel = el('span', { class: 'tour-audio-label' });
      this.audioBar = el('div', { class: 'tour-audio', hidden: true, role: 'group', 'aria-label': this.S.audio }, this.audioLabel, this.audio);
      this.viewerEl.after(this.audioBar);
      const sync = () => this.syncAudioState();
      for (const type of ['play', 'pause', 'ended', 'emptied']) this.audio.addEventListener(type, sync);
    }
    const same = this.audioKey === `${sceneId}:${index}`;
    if (same && !this.audio.paused) {
      this.audio.pause();
      return;
    }
    if (!same) {
      this.audioKey = `${sceneId}:${index}`;
      this.audio.src = src;
      this.audioLabel.textContent = hotspot.label || '';
    }
    this.audioBar.hidden = false;
    if (this.guide) this.guide.audio.pause();
    const played = this.audio.play();
    if (played && played.catch) played.catch(() => this.syncAudioState());
  }

  pauseAudio() {
    if (this.audio && !this.audio.paused) this.audio.pause();
    for (const narration of this.root.querySelectorAll('audio[data-scene-audio]')) narration.pause();
  }

  syncAudioState() {
    const playing = this.audio && !this.audio.paused;
    for (const node of this.root.querySelectorAll('.tour-hotspot--audio')) {
      const key = `${node.getAttribute('data-scene')}:${node.getAttribute('data-hotspot')}`;
      node.classList.toggle('is-playing', !!playing && key === this.audioKey);
    }
    for (const node of this.root.querySelectorAll('#tour-index [data-hotspot]')) {
      const key = `${node.getAttribute('data-scene')}:${node.getAttribute('data-hotspot')}`;
      if (this.audioKey === key) node.setAttribute('aria-pressed', playing ? 'true' : 'false');
    }
  }

  // ---------------------------------------------------------------------------- guided tour

  /** The tour's narration: a play button, cues that turn the view while it plays, captions.
   *  Uses the page's <audio data-narration> (its transcript follows it) or makes its own. */
  initGuide() {
    const n = this.config.narration;
    if (!n || !n.src || !this.toolsEl) return;
    const S = this.S;
    const audio = document.querySelector('audio[data-narration]')
      || this.root.appendChild(el('audio', { preload: 'none', src: resolveUrl(n.src) }));
    const g = {
      audio,
      cues: (n.cues || []).filter((cue) => isNum(cue.t) && this.scenes.has(cue.scene)),
      captions: n.captions || [],
      index: -1,
      held: false, // paused because the visitor took the view
      own: false, // inside our own viewer call
      expectStop: false, // a scene change of the guide is loading: PSV stops all once it is there
      switches: 0,
      label: el('span', { class: 'tour-tool-label' }),
      box: el('p', { class: 'tour-caption', 'aria-live': 'polite', lang: n.lang && n.lang !== this.config.lang ? n.lang : null }),
    };
    g.play = el('button', { type: 'button', class: 'tour-guide', 'data-action': 'guide' }, icon('video'), g.label);
    g.resume = el('button', { type: 'button', class: 'tour-guide-resume', 'data-action': 'guide-resume', hidden: true },
      icon('video'), el('span', { class: 'tour-tool-label', text: S.guide_resume }));
    this.toolsEl.prepend(g.play, g.resume);
    this.viewerEl.append(g.box);
    this.guide = g;
    audio.addEventListener('play', () => this.onGuidePlay());
    // a scene's own narration, started from the index, holds the guide (media events do not bubble)
    this.root.addEventListener('play', (e) => {
      if (e.target.matches('[data-scene-audio]')) this.holdGuide();
    }, true);
    for (const type of ['pause', 'ended']) audio.addEventListener(type, () => this.onGuidePause());
    audio.addEventListener('timeupdate', () => this.followGuide(audio.seeking));
    audio.addEventListener('seeked', () => this.followGuide(true));
    if (this.viewer) {
      // the visitor moves the view: PSV stops everything (drag, pinch, arrow keys, hotspot walks)
      this.viewer.addEventListener('stop-all', () => {
        if (g.own) return;
        if (g.expectStop) g.expectStop = false; // the one from our own scene change
        else this.holdGuide();
      });
      this.viewerEl.addEventListener('wheel', (e) => {
        if (e.ctrlKey || !this.viewer.config.mousewheelCtrlKey) this.holdGuide();
      }, { passive: true });
      this.viewerEl.addEventListener('keydown', (e) => {
        if (this.viewer.state.keyboardEnabled && this.viewer.config.keyboardActions[e.key]) this.holdGuide();
      });
    }
    this.syncGuide();
  }

  syncGuide() {
    const g = this.guide;
    const playing = !g.audio.paused;
    g.label.textContent = playing ? this.S.guide_pause : this.S.guide_play;
    g.play.replaceChild(icon(playing ? 'pause' : 'video'), g.play.firstChild);
    g.play.classList.toggle('is-playing', playing);
    g.resume.hidden = !g.held;
  }

  toggleGuide() {
    const g = this.guide;
    if (!g.audio.paused) {
      g.audio.pause();
      return;
    }
    g.held = false;
    const played = g.audio.play();
    if (played && played.catch) played.catch(() => this.syncGuide());
  }

  resumeGuide() {
    this.guide.play.focus({ preventScroll: true }); // the resume button goes away
    this.toggleGuide();
  }

  holdGuide() {
    const g = this.guide;
    if (!g || g.audio.paused) return;
    g.held = true;
    g.audio.pause();
  }

  onGuidePlay() {
    const g = this.guide;
    g.held = false;
    if (this.autorotate) this.applyMotionPreference();
    g.index = -1; // back to the cue being spoken, wherever the visitor looked meanwhile
    this.followGuide(false);
    this.syncGuide();
  }

  onGuidePause() {
    if (this.viewer) this.viewer.stopAnimation();
    if (this.autorotate) this.applyMotionPreference();
    this.syncGuide();
  }

  /** Shows the cue being spoken: a new scene, or a turn to the cue's view (a jump when seeking). */
  followGuide(jump) {
    const g = this.guide;
    const time = g.audio.currentTime;
    const caption = g.captions.find((c) => time >= c.start && time < c.end);
    const text = caption ? caption.text : '';
    if (g.box.textContent !== text) g.box.textContent = text;
    if (jump && g.held) {
      g.held = false;
      this.syncGuide();
    }
    if (g.held) return;
    let index = -1;
    g.cues.forEach((cue, i) => {
      if (cue.t <= time + 0.01) index = i;
    });
    if (index === g.index && !jump) return;
    g.index = index;
    const cue = g.cues[index];
    if (!cue) return;
    const view = this.sceneView(this.scenes.get(cue.scene), cue);
    if (!this.viewer || cue.scene !== this.current) {
      const id = ++g.switches;
      g.expectStop = !!this.viewer;
      this.goto(cue.scene, view).finally(() => {
        if (id === g.switches) g.expectStop = false;
      });
      return;
    }
    this.view = view;
    g.own = true;
    try {
      this.setView(view, jump);
    } finally {
      g.own = false;
    }
  }

  // ---------------------------------------------------------------------------- dialog

  dialog() {
    if (this.dialogEl) return this.dialogEl;
    this.dialogTitle = el('h2', { class: 'tour-card-title', id: 'tour-card-title', tabindex: '-1' });
    this.dialogBody = el('div', { class: 'tour-card-body' });
    const close = el('button', {
      type: 'button',
      class: 'tour-card-close',
      'aria-label': this.S.close,
      title: this.S.close,
      onclick: () => this.closeDialog(),
    }, icon('close'));
    this.dialogEl = el('dialog', { class: 'tour-card', 'aria-labelledby': 'tour-card-title' },
      el('div', { class: 'tour-card-inner' }, el('div', { class: 'tour-card-head' }, this.dialogTitle, close), this.dialogBody));
    this.dialogEl.addEventListener('click', (e) => {
      if (e.target === this.dialogEl) this.closeDialog(); // click on the backdrop
    });
    this.dialogEl.addEventListener('close', () => this.onDialogClosed());
    this.root.append(this.dialogEl);
    return this.dialogEl;
  }

  showDialog(title, children, invoker) {
    const dialog = this.dialog();
    if (dialog.open) dialog.close();
    this.dialogTitle.textContent = title || '';
    this.dialogBody.replaceChildren(...children);
    this.dialogInvoker = invoker && invoker.isConnected ? invoker : null;
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    this.dialogTitle.focus();
  }

  closeDialog() {
    if (!this.dialogEl) return;
    if (typeof this.dialogEl.close === 'function' && this.dialogEl.open) this.dialogEl.close();
    else if (this.dialogEl.hasAttribute('open')) {
      this.dialogEl.removeAttribute('open');
      this.onDialogClosed();
    }
  }

  onDialogClosed() {
    for (const media of this.dialogBody.querySelectorAll('video, audio')) {
      media.pause();
      media.removeAttribute('src');
      media.load(); // stops the download
    }
    this.dialogBody.replaceChildren();
    const back = this.dialogInvoker;
    this.dialogInvoker = null;
    const focusable = back && back.isConnected && (back.tabIndex >= 0 || back.matches('a[href], button, input, textarea, select'));
    (focusable ? back : this.viewerEl).focus({ preventScroll: true });
  }

  linkTarget() {
    return window.self !== window.top ? '_top' : null;
  }

  openCard(hotspot, invoker) {
    const S = this.S;
    const parts = [];
    const text = (value) => String(value || '')
      .split(/\n\s*\n/)
      .filter((p) => p.trim())
      .map((p) => el('p', { text: p.trim() }));
    switch (hotspot.type) {
      case 'exhibit': {
        if (hotspot.model && this.config.model_viewer) parts.push(...cardModel(hotspot.model, this.config.model_viewer));
        else if (hotspot.image && hotspot.image.src) parts.push(cardImage(hotspot.image));
        if (hotspot.code) parts.push(el('p', { class: 'tour-card-code', text: hotspot.code }));
        parts.push(...text(hotspot.summary));
        if (hotspot.audio) parts.push(cardAudio(hotspot.audio, hotspot.label));
        if (hotspot.url) {
          parts.push(el('p', { class: 'tour-card-actions' },
            el('a', { class: 'tour-card-link', href: hotspot.url, target: this.linkTarget() }, S.open_exhibit)));
        }
        break;
      }
      case 'image':
        parts.push(cardImage(hotspot));
        parts.push(...text(hotspot.text || hotspot.caption));
        break;
      case 'video':
        parts.push(el('video', {
          class: 'tour-card-media',
          src: resolveUrl(hotspot.src),
          poster: hotspot.poster ? resolveUrl(hotspot.poster) : null,
          controls: true,
          preload: 'none',
          playsinline: true,
        }));
        parts.push(...text(hotspot.text || hotspot.caption));
        break;
      case 'url':
        parts.push(...text(hotspot.text));
        parts.push(el('p', { class: 'tour-card-actions' },
          el('a', { class: 'tour-card-link', href: hotspot.href || hotspot.url, rel: 'noopener', target: this.linkTarget() },
            S.open_link, el('span', { class: 'tour-card-host', text: ` (${this.hostOf(hotspot.href || hotspot.url)})` }))));
        break;
      default: // text
        parts.push(...text(hotspot.text));
    }
    this.holdGuide(); // the visitor turned to this object: the guide waits, with "Resume guide"
    this.showDialog(hotspot.label || '', parts, invoker);
    const stage = this.dialogBody.querySelector('.model-stage');
    if (stage) setUpModel(stage);
  }

  hostOf(href) {
    try {
      return new URL(href, location.href).host;
    } catch {
      return href;
    }
  }

  // ---------------------------------------------------------------------------- chrome

  buildChrome() {
    const S = this.S;
    this.status = el('p', { class: 'tour-visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.root.append(this.status);

    let tools = this.root.querySelector('.tour-tools');
    if (!tools) {
      tools = el('div', { class: 'tour-tools' });
      this.viewerEl.after(tools);
    }
    const button = (action, label, iconName, hidden) => {
      let node = tools.querySelector(`[data-action="${action}"]`);
      if (!node) {
        node = el('button', { type: 'button', 'data-action': action }, icon(iconName), el('span', { class: 'tour-tool-label', text: label }));
        tools.append(node);
      } else {
        if (!node.querySelector('.tour-tool-label') && !node.children.length && node.textContent.trim()) {
          node.replaceChildren(el('span', { class: 'tour-tool-label', text: node.textContent.trim() }));
          node.setAttribute('data-label', node.textContent);
        }
        if (!node.querySelector('svg')) node.prepend(icon(iconName));
      }
      if (node.tagName === 'BUTTON' && !node.getAttribute('type')) node.setAttribute('type', 'button');
      if (hidden) node.hidden = true;
      return node;
    };
    this.tools = {
      share: button('share', S.share_view, 'share'),
      embed: button('embed', S.embed, 'embed', !this.embedUrl),
      gyroscope: button('gyroscope', S.gyroscope, 'gyroscope', true),
      stereo: button('stereo', S.stereo, 'stereo', true),
      fullscreen: button('fullscreen', S.fullscreen, 'fullscreen'),
    };
    this.toast = el('span', { class: 'tour-toast', role: 'status', 'aria-live': 'polite' });
    tools.append(this.toast);
    tools.addEventListener('click', (e) => {
      const node = e.target.closest('[data-action]');
      if (!node || !tools.contains(node)) return;
      e.preventDefault();
      this.onTool(node.getAttribute('data-action'), node);
    });
    this.tools.gyroscope.setAttribute('aria-pressed', 'false');
    this.tools.stereo.setAttribute('aria-pressed', 'false');
    this.tools.fullscreen.setAttribute('aria-pressed', 'false');
    tools.hidden = false;
    this.toolsEl = tools;

    document.addEventListener('fullscreenchange', () => this.syncFullscreen());
    document.addEventListener('webkitfullscreenchange', () => this.syncFullscreen());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.root.classList.contains('tour--pseudo-fullscreen') && !(this.dialogEl && this.dialogEl.open)) {
        this.toggleFullscreen();
      }
    });

    if (!this.viewerEl.hasAttribute('tabindex')) this.viewerEl.setAttribute('tabindex', '0');

    if (this.authoring) this.buildAuthoring();
  }

  initSensors() {
    if (!this.gyroscope) return;
    this.gyroscope.isSupported().then((ok) => {
      if (!ok) return;
      this.tools.gyroscope.hidden = false;
      this.tools.stereo.hidden = false;
    }, () => {});
    this.gyroscope.addEventListener('gyroscope-updated', (e) => {
      this.tools.gyroscope.setAttribute('aria-pressed', e.gyroscopeEnabled ? 'true' : 'false');
    });
    this.stereo.addEventListener('stereo-updated', (e) => {
      this.tools.stereo.setAttribute('aria-pressed', e.stereoEnabled ? 'true' : 'false');
    });
  }

  onTool(action, node) {
    switch (action) {
      case 'share':
        this.share();
        break;
      case 'embed':
        this.showEmbed(node);
        break;
      case 'gyroscope':
        this.toggleGyroscope();
        break;
      case 'stereo':
        if (this.stereo) this.stereo.toggle();
        break;
      case 'fullscreen':
        this.toggleFullscreen();
        break;
      case 'guide':
        this.toggleGuide();
        break;
      case 'guide-resume':
        this.resumeGuide();
        break;
      default:
    }
  }

  async share() {
    const url = this.shareUrl();
    const coarse = window.matchMedia && window.matchMedia('(pointer: coarse)').matches;
    if (coarse && navigator.share) {
      try {
        await navigator.share({ title: document.title, url });
        return;
      } catch (err) {
        if (err && err.name === 'AbortError') return;
      }
    }
    if (await copyText(url)) this.flash(this.S.copied);
    else this.showCopyBox(this.S.share_view, url, this.tools.share);
  }

  showEmbed(invoker) {
    this.showCopyBox(this.S.embed, this.embedSnippet(), invoker, this.S.embed_help);
  }

  showCopyBox(title, value, invoker, help) {
    const S = this.S;
    const area = el('textarea', { class: 'tour-copy-text', readonly: true, rows: 4, 'aria-label': title });
    area.value = value;
    const result = el('span', { class: 'tour-copy-result', role: 'status', 'aria-live': 'polite' });
    const copy = el('button', {
      type: 'button',
      class: 'tour-button',
      onclick: async () => {
        area.select();
        result.textContent = (await copyText(value)) ? S.copied : S.copy_failed;
      },
    }, S.copy);
    area.addEventListener('focus', () => area.select());
    this.showDialog(title, [help ? el('p', { text: help }) : null, area, el('p', { class: 'tour-card-actions' }, copy, result)].filter(Boolean), invoker);
  }

  flash(message) {
    this.toast.textContent = message;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.toast.textContent = '';
    }, 3000);
  }

  announce(message) {
    if (!this.status) return;
    this.status.textContent = '';
    // a new text node so that screen readers read it again
    setTimeout(() => {
      this.status.textContent = message;
    }, 50);
  }

  toggleGyroscope() {
    const gyro = this.gyroscope;
    if (!gyro) return;
    if (gyro.isEnabled()) {
      gyro.stop();
      return;
    }
    const denied = () => this.flash(this.S.gyroscope_denied);
    const DOE = window.DeviceOrientationEvent;
    if (DOE && typeof DOE.requestPermission === 'function') {
      // iOS: must be called straight from the tap
      DOE.requestPermission().then((answer) => {
        if (answer === 'granted') gyro.start().catch(denied);
        else denied();
      }, denied);
    } else {
      gyro.start().catch(denied);
    }
  }

  isFullscreen() {
    const fs = document.fullscreenElement || document.webkitFullscreenElement;
    return fs === this.root || this.root.classList.contains('tour--pseudo-fullscreen');
  }

  toggleFullscreen() {
    const root = this.root;
    if (this.isFullscreen()) {
      if (root.classList.contains('tour--pseudo-fullscreen')) {
        root.classList.remove('tour--pseudo-fullscreen');
        document.documentElement.classList.remove('tour-noscroll');
      } else if (document.exitFullscreen) {
        document.exitFullscreen().catch(() => {});
      } else if (document.webkitExitFullscreen) {
        document.webkitExitFullscreen();
      }
    } else {
      const enabled = document.fullscreenEnabled || document.webkitFullscreenEnabled;
      const pseudo = () => {
        root.classList.add('tour--pseudo-fullscreen');
        document.documentElement.classList.add('tour-noscroll');
        this.syncFullscreen();
      };
      if (enabled && root.requestFullscreen) {
        root.requestFullscreen().catch(pseudo);
      } else if (enabled && root.webkitRequestFullscreen) {
        root.webkitRequestFullscreen();
      } else {
        pseudo();
      }
    }
    this.syncFullscreen();
  }

  syncFullscreen() {
    const on = this.isFullscreen();
    this.root.classList.toggle('tour--fullscreen', on);
    const node = this.tools && this.tools.fullscreen;
    if (node) {
      node.setAttribute('aria-pressed', on ? 'true' : 'false');
      const label = node.querySelector('.tour-tool-label');
      if (label) label.textContent = on ? this.S.exit_fullscreen : node.getAttribute('data-label') || this.S.fullscreen;
    }
    if (this.viewer) {
      this.viewer.setOption('mousewheelCtrlKey', !on);
      this.viewer.autoSize();
    }
  }

  // ---------------------------------------------------------------------------- fallback

  showFallback(message) {
    const scene = this.scenes.get(this.current);
    if (!this.fallbackEl) {
      this.fallbackImg = el('img', { class: 'tour-fallback-image', alt: '', decoding: 'async' });
      this.fallbackImg.addEventListener('load', () => {
        // yaw 0 (the image centre) in the middle, like the 360° view
        const box = this.fallbackImg.parentNode;
        box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
      });
      this.fallbackText = el('p', { class: 'tour-fallback-message' });
      this.fallbackEl = el('div', { class: 'tour-fallback', hidden: true },
        el('div', { class: 'tour-fallback-scroll', tabindex: '0', role: 'img' }, this.fallbackImg), this.fallbackText);
      this.viewerEl.append(this.fallbackEl);
    }
    this.fallbackMessage = message;
    if (scene && scene.equirect) {
      const src = resolveUrl(scene.equirect);
      if (this.fallbackImg.getAttribute('src') !== src) this.fallbackImg.src = src;
      this.fallbackImg.hidden = false;
    } else {
      this.fallbackImg.hidden = true;
    }
    this.fallbackEl.firstChild.setAttribute('aria-label', (scene && scene.title) || '');
    this.fallbackText.textContent = message;
    this.fallbackEl.hidden = false;
    this.root.classList.add('tour--fallback');
  }

  hideFallback() {
    if (this.fallbackEl) this.fallbackEl.hidden = true;
    this.root.classList.remove('tour--fallback');
  }

  // ---------------------------------------------------------------------------- index

  bindIndex() {
    const index = this.root.querySelector('#tour-index') || document.getElementById('tour-index');
    if (!index) return;
    index.addEventListener('click', (e) => {
      if (e.defaultPrevented || e.button > 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const node = e.target.closest('[data-scene]');
      if (!node || !index.contains(node) || node.tagName === 'LI') return;
      const sceneId = node.getAttribute('data-scene');
      if (!this.scenes.has(sceneId)) return;
      e.preventDefault();
      if (node.hasAttribute('data-hotspot')) {
        const hotspot = this.scenes.get(sceneId).hotspots?.[Number(node.getAttribute('data-hotspot'))];
        this.activate(sceneId, Number(node.getAttribute('data-hotspot')), node);
        if (hotspot && hotspot.type === 'go') this.revealViewer();
      } else {
        this.goto(sceneId);
        this.revealViewer();
      }
    });
  }

  revealViewer() {
    const rect = this.viewerEl.getBoundingClientRect();
    if (rect.bottom < 40 || rect.top > window.innerHeight - 40) {
      this.viewerEl.scrollIntoView({ block: 'nearest', behavior: this.reducedMotion ? 'auto' : 'smooth' });
    }
  }

  // ---------------------------------------------------------------------------- authoring

  buildAuthoring() {
    const S = this.S;
    this.authoringOut = el('code', { class: 'tour-authoring-yaml' });
    this.authoringPos = el('p', { class: 'tour-authoring-position', text: S.authoring_hint });
    const result = el('span', { class: 'tour-copy-result', role: 'status', 'aria-live': 'polite' });
    const copyLine = el('button', {
      type: 'button',
      class: 'tour-button',
      'data-authoring': 'copy',
      onclick: async () => {
        if (!this.authoringLine) return;
        result.textContent = (await copyText(this.authoringLine)) ? S.copied : S.copy_failed;
      },
    }, S.authoring_copy);
    const useView = el('button', {
      type: 'button',
      class: 'tour-button',
      'data-authoring': 'view',
      onclick: async () => {
        const v = this.getView();
        const line = `view: { yaw: ${fmt(v.yaw)}, pitch: ${fmt(v.pitch)}, fov: ${fmt(v.fov)} }`;
        this.authoringOut.textContent = line;
        result.textContent = (await copyText(line)) ? S.copied : S.copy_failed;
      },
    }, S.use_as_view);
    this.authoringEl = el('section', { class: 'tour-authoring', 'aria-label': S.authoring_title },
      el('h2', { class: 'tour-authoring-title', text: S.authoring_title }),
      this.authoringPos,
      el('pre', { class: 'tour-authoring-pre' }, this.authoringOut),
      el('p', { class: 'tour-card-actions' }, copyLine, useView, result));
    (this.toolsEl || this.viewerEl).after(this.authoringEl);
  }

  onAuthoringClick(e) {
    const data = e.data;
    if (!data || data.rightclick || !isNum(data.yaw)) return;
    const yaw = normYaw(data.yaw / DEG);
    const pitch = data.pitch / DEG;
    const fov = this.getView().fov;
    this.authoringPos.textContent = `yaw ${fmt(yaw)}° · pitch ${fmt(pitch)}° · fov ${fmt(fov)}°`;
    this.authoringLine = `- { yaw: ${fmt(yaw)}, pitch: ${fmt(pitch)}, go: ?, label: ? }`;
    this.authoringOut.textContent = this.authoringLine;
    const pin = {
      id: 'authoring-pin',
      element: el('div', { class: 'tour-authoring-pin' }),
      position: { yaw: data.yaw, pitch: data.pitch },
      size: { width: 20, height: 20 },
      anchor: 'center center',
      data: { authoring: true },
    };
    try {
      this.markers.removeMarker('authoring-pin');
    } catch {
      // not there yet
    }
    this.markers.addMarker(pin);
  }

  // ---------------------------------------------------------------------------- API

  expose() {
    const tour = this;
    window.disanTour = {
      get viewer() {
        return tour.viewer;
      },
      goto: (sceneId, view) => tour.goto(sceneId, view),
      currentScene: () => tour.current,
      getView: () => tour.getView(),
      activate: (sceneId, index) => tour.activate(sceneId, index, null),
      /** The guided tour's <audio> element (null when the tour has no narration). */
      get narration() {
        return tour.guide ? tour.guide.audio : null;
      },
      ready: this.ready,
    };
    this.initSensors();
  }
}

/** An exhibit's 3D model in its card: the poster and a button, as on the exhibit page (model3d.js). */
function cardModel(model, settings) {
  const S = settings.strings;
  const stage = el('div', {
    class: 'model-stage',
    'data-model': resolveUrl(model.src),
    'data-viewer': resolveUrl(settings.viewer),
    'data-decoders': resolveUrl(settings.decoders),
    'data-alt': model.alt,
    'data-poster': model.poster ? resolveUrl(model.poster) : null,
    'data-loading': S.loading, 'data-ready': S.ready, 'data-failed': S.failed, 'data-ar': S.ar,
    'data-prompt': S.prompt, 'data-views': S.views, 'data-levels': S.levels,
  },
  model.poster
    ? el('div', { class: 'model-poster' }, el('img', { src: resolveUrl(model.poster), alt: model.alt, decoding: 'async' }))
    : el('div', { class: 'model-poster model-blank', role: 'img', 'aria-label': model.alt }),
  el('button', { type: 'button', class: 'model-load', hidden: true }, `${S.view} (${model.size})`),
  el('p', { class: 'model-status', role: 'status' }));
  const notes = model.annotations.length
    ? el('ol', { class: 'model-annotations' }, ...model.annotations.map((a) =>
      el('li', { 'data-position': a.position, 'data-normal': a.normal, text: a.label })))
    : null;
  return [el('div', { class: 'tour-card-model' }, stage, notes)];
}

/** An exhibit's narration in its card: nothing downloads until it is played. */
function cardAudio(audio, label) {
  const player = el('audio', { controls: true, preload: 'none', 'aria-label': label },
    el('source', { src: resolveUrl(audio.src), type: audio.mime }));
  if (audio.vtt) player.append(el('track', { kind: 'captions', srclang: audio.lang, src: resolveUrl(audio.vtt), default: true }));
  return el('p', { class: 'tour-card-audio' }, player);
}

/** The picture in a hotspot card: responsive when the builder gave a srcset. */
function cardImage(image) {
  return el('img', {
    class: 'tour-card-media',
    src: resolveUrl(image.src),
    srcset: image.srcset || null,
    sizes: image.srcset ? '(max-width: 40em) 90vw, 36em' : null,
    alt: image.alt || '',
    width: image.width || null,
    height: image.height || null,
    decoding: 'async',
  });
}

function main() {
  const root = document.getElementById('tour');
  if (!root || !document.getElementById('tour-data')) return;
  const tour = new Tour(root);
  tour.start();
}

main();
