// The view when WebGL is missing or lost: the scene's six fallback faces (fallback/{face}.jpg of
// its tile set, at most 1024 px) as a CSS 3D cube that the visitor turns by drag, touch and the
// arrow keys; the flat equirectangular image only when the faces cannot be loaded.  Nothing
// here runs, and no face is fetched, while the WebGL viewer works.

import { DEG, MIN_FOV, MAX_FOV, KEY_STEPS, el, clamp, normYaw, resolveUrl } from './util.js';

// The faces as the tiler makes them (builder/tiling.py): each one upright as seen when turning to
// it from yaw 0 (the top face's lower edge and the bottom face's upper edge touch the front face).
// CSS axes: x right, y down, z towards the eye; the eye is in the cube's centre and looks along -z
// at yaw 0.  Each face is turned to face the centre, then moved half a side away, less half a pixel
// so that neighbours overlap and no seam shows.
const FACE_TURNS = {
  front: 'rotateY(0deg)',
  right: 'rotateY(-90deg)',
  back: 'rotateY(180deg)',
  left: 'rotateY(90deg)',
  top: 'rotateX(-90deg)',
  bottom: 'rotateX(90deg)',
};
const FACES = Object.keys(FACE_TURNS);
const FACE_DISTANCE = 511.5; // px: the faces are 1024 CSS px wide (tour.css)

/** Six <img> faces around the eye.  Each face carries the whole transform, camera included: in
 *  one `preserve-3d` group Chromium drops parts of the faces that reach behind the eye. */
class CubeView {
  constructor(onTurn) {
    this.onTurn = onTurn;
    this.stage = el('div', { class: 'tour-cube', hidden: true });
    // yaw is kept unwrapped so that a glide across ±180° takes the short way
    this.yaw = 0;
    this.pitch = 0;
    this.fov = 75;
    this.shown = ''; // the front face's URL of the faces on the cube
    this.pending = null; // { key, promise } of the faces being loaded
    this.drag = null;
    this.turned = false; // by the visitor, at least once
    this.stage.addEventListener('pointerdown', (e) => this.startDrag(e));
    this.stage.addEventListener('pointermove', (e) => this.moveDrag(e));
    for (const type of ['pointerup', 'pointercancel']) this.stage.addEventListener(type, () => { this.drag = null; });
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.render()).observe(this.stage);
  }

  get view() {
    return { yaw: normYaw(this.yaw), pitch: this.pitch, fov: this.fov };
  }

  /** Puts the faces at `urls` on the cube once all six are decoded; false if one cannot be loaded. */
  show(urls) {
    const key = urls.front;
    if (key === this.shown) {
      this.pending = null; // back before the next scene's faces came: they must not replace these
      this.stage.hidden = false;
      return Promise.resolve(true);
    }
    if (this.pending && this.pending.key === key) return this.pending.promise;
    const images = FACES.map((face) => el('img', { class: 'tour-cube-face', 'data-face': face, alt: '', draggable: 'false', src: urls[face] }));
    const done = (ok) => {
      if (!this.pending || this.pending.key !== key) return ok; // another scene was asked for since
      this.pending = null;
      if (ok) {
        this.stage.replaceChildren(...images);
        this.shown = key;
        this.stage.hidden = false;
        this.render();
      }
      return ok;
    };
    const promise = Promise.all(images.map((image) => image.decode())).then(() => done(true), () => done(false));
    this.pending = { key, promise };
    return promise;
  }

  setView(view, glide) {
    this.yaw += normYaw(view.yaw - this.yaw);
    this.pitch = clamp(view.pitch, -90, 90);
    this.fov = clamp(view.fov, MIN_FOV, MAX_FOV);
    this.stage.classList.toggle('tour-cube--glide', !!glide);
    this.render();
  }

  /** The eye in the cube's centre; the perspective gives the vertical field of view. */
  render() {
    const distance = (this.stage.clientHeight || 1) / 2 / Math.tan((this.fov * DEG) / 2);
    const camera = `translateZ(${distance}px) rotateX(${this.pitch}deg) rotateY(${this.yaw}deg)`;
    this.stage.style.perspective = `${distance}px`;
    for (const face of this.stage.children) {
      face.style.transform = `${camera} ${FACE_TURNS[face.dataset.face]} translateZ(${-FACE_DISTANCE}px)`;
    }
  }

  turn(yaw, pitch, fov, glide) {
    this.turned = true;
    this.setView({ yaw, pitch, fov }, glide);
    this.onTurn(this.view);
  }

  /** Arrow keys turn, + − and Page Up/Down zoom; true when the key was one of them. */
  key(e) {
    const step = KEY_STEPS[e.key];
    if (!step || e.altKey || e.ctrlKey || e.metaKey) return false;
    this.turn(this.yaw + step[0], this.pitch + step[1], this.fov + step[2], true);
    return true;
  }

  startDrag(e) {
    if (e.button > 0) return;
    this.stage.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, yaw: this.yaw, pitch: this.pitch };
  }

  /** The panorama follows the finger: dragging right brings what is on the left into view. */
  moveDrag(e) {
    if (!this.drag) return;
    const degreesPerPixel = this.fov / (this.stage.clientHeight || 1);
    const { x, y, yaw, pitch } = this.drag;
    this.turn(yaw - (e.clientX - x) * degreesPerPixel, pitch + (e.clientY - y) * degreesPerPixel, this.fov, false);
  }
}

/** Methods of the Tour (tour.js), mixed into its prototype. */
export const fallbackMethods = {
  showFallback(message) {
    const scene = this.scenes.get(this.current);
    if (!this.fallbackEl) this.buildFallback();
    this.fallbackMessage = message;
    this.fallbackEl.hidden = false;
    this.root.classList.add('tour--fallback');
    if (scene && scene.fallback && !this.flatScenes.has(scene.id)) this.showCube(scene);
    else this.showFlat(scene, message);
  },

  hideFallback() {
    if (this.fallbackEl) this.fallbackEl.hidden = true;
    this.root.classList.remove('tour--fallback');
  },

  buildFallback() {
    this.flatScenes = new Set(); // scenes whose faces could not be loaded
    this.cube = new CubeView((view) => {
      this.view = view;
      this.scheduleHash();
      this.fallbackText.hidden = true; // the visitor has found how to turn: the view gets it all
    });
    this.flatImg = el('img', { class: 'tour-fallback-image', alt: '', decoding: 'async' });
    this.flatImg.addEventListener('load', () => {
      // yaw 0 (the image centre) in the middle, like the 360° view
      this.flatBox.scrollLeft = (this.flatBox.scrollWidth - this.flatBox.clientWidth) / 2;
    });
    this.flatBox = el('div', { class: 'tour-fallback-scroll', tabindex: '0', role: 'img', hidden: true }, this.flatImg);
    this.fallbackText = el('p', { class: 'tour-fallback-message' });
    this.fallbackEl = el('div', { class: 'tour-fallback', hidden: true }, this.cube.stage, this.flatBox, this.fallbackText);
    this.viewerEl.append(this.fallbackEl);
    // #viewer keeps the focus, its label and its description: the keys reach the cube through it
    this.viewerEl.addEventListener('keydown', (e) => {
      if (!this.fallbackEl.hidden && !this.cube.stage.hidden && this.cube.key(e)) e.preventDefault();
    });
  },

  showCube(scene) {
    this.flatBox.hidden = true;
    this.fallbackText.textContent = this.S.cube_view;
    this.fallbackText.hidden = this.cube.turned;
    this.cube.setView(this.view, false);
    const urls = {};
    for (const face of FACES) urls[face] = resolveUrl(scene.fallback[face]);
    this.cube.show(urls).then((ok) => {
      if (ok || this.current !== scene.id) return;
      this.flatScenes.add(scene.id);
      this.showFlat(scene, this.fallbackMessage);
    });
  },

  showFlat(scene, message) {
    this.cube.stage.hidden = true;
    if (scene && scene.equirect) {
      const src = resolveUrl(scene.equirect);
      if (this.flatImg.getAttribute('src') !== src) this.flatImg.src = src;
      this.flatImg.hidden = false;
    } else {
      this.flatImg.hidden = true;
    }
    this.flatBox.setAttribute('aria-label', (scene && scene.title) || '');
    this.flatBox.hidden = false;
    this.fallbackText.textContent = message;
    this.fallbackText.hidden = false;
  },
};
