// Scenes and tiles: the viewer, the cube-map tiles of each panorama and the scenes as
// virtual-tour nodes (fallback.js takes over when WebGL is missing or lost).  A chunk of its own,
// with three.js and PSV, fetched once the glance (glance.js) shows the first view, from which it
// takes over; extras.js adds the plan, compass, sensors and autorotation after it.

import { Cache, SYSTEM, Viewer } from '@photo-sphere-viewer/core';
import { CubemapTilesAdapter } from '@photo-sphere-viewer/cubemap-tiles-adapter';
import { MarkersPlugin } from '@photo-sphere-viewer/markers-plugin';
import { VirtualTourPlugin } from '@photo-sphere-viewer/virtual-tour-plugin';
import { DEG, MIN_FOV, MAX_FOV, AUTOROTATE_DELAY, HOTSPOT_SIZE, PLAN_HOTSPOT, fastConnection, fovToZoom, resolveUrl } from './util.js';

// Wider than any preview stripe, tile or floor plan a build publishes; every WebGL 2 device draws
// a 4096 × 2048 canvas.
const MAX_CANVAS_WIDTH = 4096;

/** PSV 5.15 finds the widest 2D canvas it may draw by drawing one as wide as the GPU's largest
 *  texture, the first time it cuts a preview stripe into faces: 0.35 s to 1.5 s of the first
 *  view here, and a 512 MB canvas attempt on a phone with 16k textures.  Its answer only caps
 *  images wider than ours, so it gets the cap instead (set before the first scene's stripe
 *  loads, which the virtual-tour plugin starts after the constructor returns). */
function skipCanvasProbe() {
  if (SYSTEM.__maxCanvasWidth === null) SYSTEM.__maxCanvasWidth = Math.min(SYSTEM.maxTextureWidth, MAX_CANVAS_WIDTH);
}

/** Methods of the Tour (tour.js), mixed into its prototype. */
export const sceneMethods = {
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
  },

  // ---------------------------------------------------------------------------- viewer
  createViewer(scene, view) {
    const S = this.S;
    // the stripe the glance drew, in PSV's cache under the URL and key its adapter asks for
    if (this.glance && this.glance.stripe) Cache.add(this.glance.stripe.url, this.glance.stripe.url, this.glance.stripe.blob);
    const plugins = [
      [MarkersPlugin, { defaultHoverScale: false }],
      [VirtualTourPlugin, this.virtualTourConfig(scene)],
    ];

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
    skipCanvasProbe();
    this.viewer = viewer;
    this.markers = viewer.getPlugin(MarkersPlugin);
    this.tour = viewer.getPlugin(VirtualTourPlugin);

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

    // keyboard control only while the viewer has the focus, and once the glance has gone
    this.viewerEl.addEventListener('focusin', () => {
      if (!this.glance) viewer.startKeyboardControl();
    });
    this.viewerEl.addEventListener('focusout', (e) => {
      if (!this.viewerEl.contains(e.relatedTarget)) viewer.stopKeyboardControl();
    });

    // WebGL context loss: the fallback in place of the viewer until the context comes back,
    // starting at the viewer's view and handing back the view it was turned to
    const canvas = viewer.renderer.renderer.domElement;
    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      this.view = this.getView();
      this.contextLost = true;
      this.showFallback(S.webgl_lost);
    });
    canvas.addEventListener('webglcontextrestored', () => {
      const view = this.getView();
      this.contextLost = false;
      this.hideFallback();
      this.reloadScene(view);
    });

    if (this.motion && this.motion.addEventListener) {
      this.motion.addEventListener('change', () => this.applyMotionPreference());
    }
  },

  onFirstRender() {
    this.takeOver().then(() => {
      // two frames: the preview stripe is drawn before the glance (or the poster) goes away
      requestAnimationFrame(() => requestAnimationFrame(() => {
        this.dropGlance();
        if (this.viewerEl.contains(document.activeElement)) this.viewer.startKeyboardControl();
        this.root.classList.add('tour--ready');
        this.readyResolve(true);
      }));
    });
  },

  /** PSV under the glance goes to the scene and view the visitor turned to while it loaded; from
   *  then on it follows each turn of the glance (onGlanceTurn), until the glance goes. */
  async takeOver() {
    if (!this.glance) return;
    const view = this.getView();
    // PSV's 'panorama-loaded' comes before the virtual tour makes its node the current one
    const shown = this.tour.getCurrentNode() || (await new Promise((resolve) => {
      this.tour.addEventListener('node-changed', (e) => resolve(e.node), { once: true });
    }));
    if (shown.id !== this.current) {
      await this.tour.setCurrentNode(this.current, this.transition(view, true)).catch((err) => console.error(err));
    }
    this.setView(this.getView(), true);
  },

  applyMotionPreference() {
    const reduce = this.reducedMotion;
    this.viewer.setOption('moveInertia', !reduce);
    if (this.autorotate) {
      // off while the guide plays (an endless delay also stops PSV's first start after loading)
      const guiding = this.guide && !this.guide.audio.paused;
      this.autorotate.setOptions({ autostartOnIdle: !reduce && !guiding, autostartDelay: guiding ? Infinity : AUTOROTATE_DELAY });
      if (reduce || guiding) this.autorotate.stop();
    }
  },

  reloadScene(view = this.getView()) {
    if (!this.viewer || !this.current) return;
    this.tour.setCurrentNode(this.current, { ...this.transition(view, true), forceUpdate: true }).catch(() => {});
  },

  // ---------------------------------------------------------------------------- scenes as tour nodes
  /** PSV's virtual tour: every scene a node, every `go` hotspot a link drawn as our own hotspot. */
  virtualTourConfig(first) {
    return {
      renderMode: '2d',
      nodes: [...this.scenes.values()].map((scene) => this.tourNode(scene)),
      startNodeId: first.id,
      preload: fastConnection, // the linked scenes' previews, for instant switches
      showLinkTooltip: false,
      arrowStyle: { size: HOTSPOT_SIZE },
      transitionOptions: (node, fromNode, fromLink) => this.linkTransition(node, fromNode, fromLink),
    };
  },

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
  },

  /** Called by the plugin as a scene starts loading, whoever asked for it (a link, the plan, goto). */
  linkTransition(node, fromNode, fromLink) {
    if (!fromNode) return this.transition(this.view, true);
    this.beginSceneChange(node.id, true);
    const view = this.sceneView(this.scenes.get(node.id), fromLink && fromLink.data && fromLink.data.view);
    return this.transition(view, false);
  },

  transition(view, instant) {
    return {
      rotateTo: { yaw: view.yaw * DEG, pitch: view.pitch * DEG },
      zoomTo: fovToZoom(view.fov),
      showLoader: false,
      effect: instant || this.reducedMotion ? 'none' : 'fade',
      speed: 600,
      rotation: false,
    };
  },
};
