// Moving between scenes and views, and the URL hash that shares them.

import { DEG, DEFAULT_FOV, HASH_DELAY, MIN_FOV, MAX_FOV, clamp, fmt, isNum, normYaw, fovToZoom, zoomToFov } from './util.js';

/** Methods of the Tour (tour.js), mixed into its prototype. */
export const navigationMethods = {
  /** The full view for a scene: `partial` (any of yaw/pitch/fov) over the scene's own view. */
  sceneView(scene, partial) {
    const own = (scene && scene.view) || {};
    const pick = (key, fallback) => (partial && isNum(partial[key]) ? partial[key] : isNum(own[key]) ? own[key] : fallback);
    return {
      yaw: normYaw(pick('yaw', 0)),
      pitch: clamp(pick('pitch', 0), -90, 90),
      fov: clamp(pick('fov', DEFAULT_FOV), MIN_FOV, MAX_FOV),
    };
  },

  // ---------------------------------------------------------------------------- navigation
  /** Goes to a scene (and view: any of yaw/pitch/fov in degrees).  Resolves when shown. */
  async goto(sceneId, view, options = {}) {
    const scene = this.scenes.get(sceneId);
    if (!scene) return false;
    const target = this.sceneView(scene, view);
    const sameScene = sceneId === this.current;
    this.view = target;
    if (!this.viewer || this.glance || this.contextLost) {
      this.current = sceneId;
      if (this.glance) {
        if (!sameScene) this.showInGlance(scene);
        this.glance.setView(target);
        if (this.viewer && this.viewer.state.ready) this.takeOver();
      }
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
  },

  beginSceneChange(sceneId, announce) {
    if (sceneId === this.current) return;
    this.pauseAudio();
    this.current = sceneId;
    this.afterSceneChange(announce);
  },

  onSceneShown() {
    this.updatePlugins(this.scenes.get(this.current));
    if (!this.contextLost) this.hideFallback();
    this.writeHash();
  },

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
  },

  getView() {
    if (!this.viewer || this.glance || !this.viewer.state.ready || this.contextLost) return { ...this.view };
    const pos = this.viewer.getPosition();
    return {
      yaw: normYaw(pos.yaw / DEG),
      pitch: pos.pitch / DEG,
      fov: zoomToFov(this.viewer.getZoomLevel()),
    };
  },

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
  },

  // ---------------------------------------------------------------------------- URL hash
  parseHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const view = {};
    for (const key of ['yaw', 'pitch', 'fov']) {
      const raw = params.get(key);
      if (raw !== null && raw.trim() !== '' && Number.isFinite(Number(raw))) view[key] = Number(raw);
    }
    return { scene: params.get('scene'), view };
  },

  hashFor(sceneId, view) {
    return `#scene=${encodeURIComponent(sceneId)}&yaw=${fmt(view.yaw)}&pitch=${fmt(view.pitch)}&fov=${fmt(view.fov)}`;
  },

  scheduleHash() {
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => this.writeHash(), HASH_DELAY);
  },

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
    // the teacher box (site.js) embeds and links to the view being looked at, once it is not the tour's own first view
    document.dispatchEvent(new CustomEvent('disan:view', { detail: { hash, moved: hash !== this.homeHash } }));
  },

  onHashChange() {
    if (location.hash === this.lastHash) return;
    const { scene, view } = this.parseHash();
    if (scene && this.scenes.has(scene)) this.goto(scene, view);
  },

  shareUrl() {
    const url = new URL(location.href);
    url.hash = this.hashFor(this.current, this.getView()).slice(1);
    return url.href;
  },
};
