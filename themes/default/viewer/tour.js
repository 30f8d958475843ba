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
// page's strict CSP holds.  This module is the first view: the glance (glance.js, the start
// scene's preview in a few lines of WebGL, with its hotspots), the tool bar and the index.  Photo
// Sphere Viewer with the scenes' tiles (scenes.js) is a chunk fetched once the glance shows, and
// takes over at the glance's view; the plan, compass, sensors, autorotation and the guided tour
// come from extras.js (and a card's 3D model from model3d.js), chunks fetched from the same folder
// after PSV; every stylesheet is imported here, so that tour.css is the page's one stylesheet.

import '@photo-sphere-viewer/core/index.css';
import '@photo-sphere-viewer/markers-plugin/index.css';
import '@photo-sphere-viewer/map-plugin/index.css';
import '@photo-sphere-viewer/compass-plugin/index.css';
import '@photo-sphere-viewer/virtual-tour-plugin/index.css';
import './tour.css';

import { strings } from './i18n.js';
import { resolveUrl } from './util.js';
import { Glance } from './glance.js';
import { fallbackMethods } from './fallback.js';
import { navigationMethods } from './navigation.js';
import { hotspotMethods } from './hotspots.js';
import { planMethods } from './plan.js';
import { chromeMethods } from './chrome.js';

class Tour {
  constructor(root) {
    this.root = root;
    this.viewerEl = root.querySelector('#viewer') || root.querySelector('.viewer');
    this.config = JSON.parse(root.querySelector('#tour-data')?.textContent || document.getElementById('tour-data').textContent);
    this.S = strings(this.config.strings);
    this.scenes = new Map((this.config.scenes || []).map((scene) => [scene.id, scene]));
    this.authoring = root.dataset.authoring === 'true';
    this.teacherBox = document.getElementById('teacher'); // the embed code, on the full page only
    this.motion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
    this.viewer = null;
    this.glance = null; // the first view until PSV takes over
    this.markers = null;
    this.current = null; // scene id
    this.view = null; // the view while PSV is not there (glance, fallback) or not ready
    this.hashTimer = 0;
    this.lastHash = '';
    this.readyResolve = null;
    this.ready = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    this.firstFrame = this.ready; // unless the glance draws sooner
  }

  get reducedMotion() {
    return !!(this.motion && this.motion.matches);
  }

  start() {
    const fromHash = this.parseHash();
    const home = this.scenes.has(this.config.start) ? this.config.start : this.scenes.keys().next().value;
    const first = this.scenes.has(fromHash.scene) ? fromHash.scene : home;
    if (!first) return;
    this.homeHash = this.hashFor(home, this.sceneView(this.scenes.get(home))); // where the tour opens by itself
    const view = this.sceneView(this.scenes.get(first), fromHash.scene === first ? fromHash.view : null);
    this.current = first;
    this.view = view;

    // the glance first: its stripe decodes while the tool bar and the index are set up
    const glanced = this.hasWebGL2() ? this.startGlance(this.scenes.get(first), view) : null;
    this.buildChrome();
    this.bindIndex();
    window.addEventListener('hashchange', () => this.onHashChange());

    if (!glanced) {
      this.showFallback(this.S.webgl_missing);
      this.afterSceneChange(false);
      this.readyResolve(false);
    } else {
      this.firstFrame = glanced.then((drawn) => drawn || this.ready);
      glanced.then(() => this.loadViewer());
      this.afterSceneChange(false);
    }
    this.complete = this.loadExtras();
    this.expose();
  }

  /** The rest of the tour, fetched once the first view shows (or its fallback does), so that
   *  neither its bytes nor its parsing come before the first frame. */
  loadExtras() {
    return this.ready
      .then(() => import('./extras.js'))
      .then((extras) => extras.install(this))
      .catch((err) => console.error(err));
  }

  /** The glance draws the first scene's preview at once; resolves true when it shows, false when
   *  it cannot (PSV then comes straight away). */
  startGlance(scene, view) {
    try {
      this.glance = new Glance(this.viewerEl, (turned) => this.onGlanceTurn(turned));
    } catch (err) {
      console.error(err);
      return Promise.resolve(false);
    }
    // #viewer keeps the focus, its label and its description: the keys reach the glance through it
    this.viewerEl.addEventListener('keydown', (e) => {
      if (this.glance && this.glance.key(e)) e.preventDefault();
    });
    this.glance.setView(view);
    return this.showInGlance(scene).then((shown) => {
      if (!shown) this.dropGlance();
      return shown;
    });
  }

  showInGlance(scene) {
    const stripe = resolveUrl(scene.panorama.baseUrl.path, resolveUrl(scene.base || './'));
    return this.glance.show(stripe, this.glanceHotspots(scene));
  }

  onGlanceTurn(view) {
    this.view = view;
    // once PSV is ready under the glance it follows, so that the glance can go at any frame
    if (this.viewer && this.viewer.state.ready) this.setView(view, true);
    this.scheduleHash();
  }

  dropGlance() {
    if (!this.glance) return;
    this.glance.remove();
    this.glance = null;
  }

  /** Photo Sphere Viewer and the tiles (scenes.js, with three.js), fetched once the first view
   *  shows; it starts at the scene and view the visitor is at by then. */
  loadViewer() {
    return import('./scenes.js')
      .then(({ sceneMethods }) => {
        Object.assign(Tour.prototype, sceneMethods);
        this.createViewer(this.scenes.get(this.current), this.getView());
      })
      .catch((err) => {
        console.error(err);
        this.viewer = null;
        if (!this.glance) this.showFallback(this.S.webgl_missing);
        this.readyResolve(false);
      });
  }

  hasWebGL2() {
    // A real context costs ~0.1 s on a phone; the glance and PSV throw when WebGL 2 does not
    // work, and that falls back too.
    return typeof WebGL2RenderingContext !== 'undefined';
  }


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
      /** Resolves once PSV has taken over from the glance (false when the fallback shows). */
      ready: this.ready,
      /** Resolves once the first frame of the panorama is drawn, by the glance or PSV. */
      firstFrame: this.firstFrame,
      /** Resolves once the parts after the first view (plan, compass, sensors, guide) are in. */
      complete: this.complete,
      /** Serve-only aids (viewer/authoring.js) extend the live tour: `plugin(tour)` once PSV has
       *  taken over from the glance (or the fallback shows). */
      extend: (plugin) => tour.ready.then(() => plugin(tour)),
    };
    document.dispatchEvent(new CustomEvent('disan:tour'));
  }
}

Object.assign(Tour.prototype, fallbackMethods, navigationMethods, hotspotMethods, planMethods, chromeMethods);

/** An embed inside a page of the same site (a story) follows that page: `{disan: 'view', scene,
 *  yaw, pitch, fov}` moves the view, once the first view is there. */
function followParent(tour) {
  if (window.parent === window) return;
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.origin !== location.origin || event.source !== window.parent || !data || data.disan !== 'view') return;
    tour.ready.then(() => tour.goto(data.scene, { yaw: data.yaw, pitch: data.pitch, fov: data.fov }));
  });
}

function main() {
  const root = document.getElementById('tour');
  if (!root || !document.getElementById('tour-data')) return;
  const tour = new Tour(root);
  followParent(tour);
  tour.start();
}

main();
