// The tour's first live view: the start scene's preview stripe (preview.jpg, the six smallest
// cube faces side by side, which the page already preloads) drawn with a few lines of WebGL 2, so
// the visitor can look around (drag, touch, pinch, arrow keys, ctrl + wheel) before three.js and
// Photo Sphere Viewer (~170 KB gzipped) have arrived.  tour.js loads PSV once the glance shows its
// first frame; PSV takes over at the glance's view and the glance is removed.
//
// One full-screen triangle: the fragment shader turns each pixel into a ray from the view's yaw,
// pitch and vertical field of view, finds the cube face the ray meets and samples that face in the
// stripe.  Faces and their orientation are the tiler's (builder/tiling/geometry.py): with forward
// F (yaw 0), right R and up U, a face pixel at a (rightwards) and b (downwards), both in -1..1,
// looks along   front F + aR - bU   right R - aF - bU   back -F - aR - bU   left -R + aF - bU
//               top U + aR + bF      bottom -U + aR - bF
// and the stripe holds them in PSV's order: left, front, right, back, top, bottom.

import { DEG, MIN_FOV, MAX_FOV, KEY_STEPS, clamp, el, normYaw } from './util.js';

const VERTEX = `#version 300 es
in vec2 corner;
out vec2 ndc;
void main() { ndc = corner; gl_Position = vec4(corner, 0.0, 1.0); }`;

// Components of a ray: x along R, y along U, z along F.  `inset` keeps the sampling half a texel
// inside each face, so that no neighbour in the stripe bleeds into an edge.
const FRAGMENT = `#version 300 es
precision highp float;
uniform sampler2D stripe;
uniform vec3 right, up, forward;
uniform vec2 tanHalf;
uniform float inset;
in vec2 ndc;
out vec4 colour;
void main() {
  vec3 d = ndc.x * tanHalf.x * right + ndc.y * tanHalf.y * up + forward;
  vec3 m = abs(d);
  float face;
  vec2 ab;
  if (m.z >= m.x && m.z >= m.y) {
    if (d.z > 0.0) { face = 1.0; ab = vec2(d.x, -d.y) / m.z; } else { face = 3.0; ab = vec2(-d.x, -d.y) / m.z; }
  } else if (m.x >= m.y) {
    if (d.x > 0.0) { face = 2.0; ab = vec2(-d.z, -d.y) / m.x; } else { face = 0.0; ab = vec2(d.z, -d.y) / m.x; }
  } else {
    if (d.y > 0.0) { face = 4.0; ab = vec2(d.x, d.z) / m.y; } else { face = 5.0; ab = vec2(d.x, -d.z) / m.y; }
  }
  vec2 uv = clamp((ab + 1.0) * 0.5, inset, 1.0 - inset);
  colour = texture(stripe, vec2((face + uv.x) / 6.0, uv.y));
}`;

const MAX_PIXEL_RATIO = 2; // the preview is 256 px a face: sharper canvases only cost fill rate
const WHEEL_ZOOM = 0.05; // degrees of field of view per wheel pixel

/** The camera's axes for a view in degrees, in (R, U, F) components (as the poster's render_view). */
function axes(yaw, pitch) {
  const [sy, cy, sp, cp] = [Math.sin(yaw * DEG), Math.cos(yaw * DEG), Math.sin(pitch * DEG), Math.cos(pitch * DEG)];
  return { right: [cy, 0, -sy], up: [-sy * sp, cp, -cy * sp], forward: [sy * cp, sp, cy * cp] };
}

function program(gl) {
  const made = gl.createProgram();
  for (const [type, source] of [[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, FRAGMENT]]) {
    const shader = gl.createShader(type);
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    gl.attachShader(made, shader);
  }
  gl.linkProgram(made);
  if (!gl.getProgramParameter(made, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(made) || 'glance: shaders do not link');
  return made;
}

export class Glance {
  /** A glance in `container` (the #viewer box); throws when WebGL 2 cannot start.  `onTurn(view)`
   *  is called whenever the visitor turns or zooms. */
  constructor(container, onTurn) {
    this.onTurn = onTurn;
    this.canvas = el('canvas', { class: 'tour-glance-canvas' });
    this.layer = el('div', { class: 'tour-glance-hotspots' });
    this.root = el('div', { class: 'tour-glance' }, this.canvas, this.layer);
    const gl = this.canvas.getContext('webgl2', { alpha: false, antialias: false, depth: false, powerPreference: 'low-power' });
    if (!gl) throw new Error('glance: no WebGL 2');
    this.gl = gl;
    this.program = program(gl);
    gl.useProgram(this.program);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
    const corner = gl.getAttribLocation(this.program, 'corner');
    gl.enableVertexAttribArray(corner);
    gl.vertexAttribPointer(corner, 2, gl.FLOAT, false, 0, 0);
    this.texture = gl.createTexture();
    this.uniforms = Object.fromEntries(['right', 'up', 'forward', 'tanHalf', 'inset'].map((name) => [name, gl.getUniformLocation(this.program, name)]));
    this.yaw = 0; // degrees, unwrapped; `view` gives it within (-180, 180]
    this.pitch = 0;
    this.fov = 75;
    this.hotspots = []; // [{ node, yaw, pitch }]
    this.shown = ''; // the URL of the stripe asked for last
    this.stripe = null; // { url, blob } of the stripe drawn
    this.drawn = false;
    this.frame = 0;
    this.pointers = new Map(); // pointerId -> {x, y}
    this.gesture = null;
    this.firstFrame = new Promise((resolve) => {
      this.resolveFirstFrame = resolve;
    });
    this.listen();
    container.append(this.root);
  }

  get view() {
    return { yaw: normYaw(this.yaw), pitch: this.pitch, fov: this.fov };
  }

  setView(view) {
    this.yaw += normYaw(view.yaw - this.yaw);
    this.pitch = clamp(view.pitch, -90, 90);
    this.fov = clamp(view.fov, MIN_FOV, MAX_FOV);
    this.schedule();
  }

  /** Shows the stripe at `url`, with `hotspots` ({node, yaw, pitch}, degrees) placed over it;
   *  resolves true once drawn, false when the stripe cannot be fetched or decoded. */
  async show(url, hotspots) {
    this.shown = url;
    let blob;
    let bitmap;
    try {
      // the page preloads the first stripe as a CORS fetch: this request is the one it matches
      const response = await fetch(url, { mode: 'cors', credentials: 'same-origin' });
      if (!response.ok) return false;
      blob = await response.blob();
      bitmap = await createImageBitmap(blob);
    } catch {
      return false;
    }
    if (this.shown !== url || !this.gl) return false; // another scene was asked for since, or removed
    this.stripe = { url, blob }; // PSV is handed the same bytes (scenes.js), not a second download
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, gl.RGB, gl.UNSIGNED_BYTE, bitmap);
    for (const [name, value] of [[gl.TEXTURE_MIN_FILTER, gl.LINEAR], [gl.TEXTURE_MAG_FILTER, gl.LINEAR], [gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE], [gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE]]) {
      gl.texParameteri(gl.TEXTURE_2D, name, value);
    }
    gl.uniform1f(this.uniforms.inset, 0.5 / bitmap.height);
    bitmap.close();
    this.layer.replaceChildren(...hotspots.map((hotspot) => hotspot.node));
    this.hotspots = hotspots;
    this.drawn = true;
    this.schedule();
    await this.firstFrame;
    return true;
  }

  schedule() {
    if (!this.frame && this.drawn) this.frame = requestAnimationFrame(() => this.draw());
  }

  draw() {
    this.frame = 0;
    const { gl, canvas } = this;
    if (!gl) return;
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    gl.viewport(0, 0, width, height);
    const { right, up, forward } = axes(this.yaw, this.pitch);
    const tanHalf = Math.tan((this.fov * DEG) / 2);
    gl.uniform3fv(this.uniforms.right, right);
    gl.uniform3fv(this.uniforms.up, up);
    gl.uniform3fv(this.uniforms.forward, forward);
    gl.uniform2f(this.uniforms.tanHalf, tanHalf * (width / height), tanHalf);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    this.placeHotspots(right, up, forward, tanHalf);
    this.resolveFirstFrame();
  }

  /** Each hotspot's centre where its direction meets the screen; hidden behind the eye. */
  placeHotspots(right, up, forward, tanHalf) {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const focal = height / 2 / tanHalf;
    const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    for (const { node, yaw, pitch } of this.hotspots) {
      const direction = axes(yaw, pitch).forward;
      const depth = dot(direction, forward);
      node.hidden = depth <= 0.01;
      if (node.hidden) continue;
      const x = width / 2 + (dot(direction, right) / depth) * focal;
      const y = height / 2 - (dot(direction, up) / depth) * focal;
      node.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px) translate(-50%, -50%)`;
    }
  }

  /** A view the visitor asked for, kept within the pitch and field of view PSV allows. */
  turn(yaw, pitch, fov) {
    this.setView({ yaw, pitch, fov });
    this.onTurn(this.view);
  }

  listen() {
    const canvas = this.canvas;
    canvas.addEventListener('pointerdown', (e) => {
      if (e.button > 0) return;
      canvas.setPointerCapture(e.pointerId);
      this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      this.startGesture();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.pointers.has(e.pointerId)) return;
      this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      this.moveGesture();
    });
    for (const type of ['pointerup', 'pointercancel']) {
      canvas.addEventListener(type, (e) => {
        this.pointers.delete(e.pointerId);
        this.startGesture();
      });
    }
    // as PSV is set up (mousewheelCtrlKey): a plain wheel scrolls the page, ctrl + wheel and a
    // touchpad's pinch (which the browser sends as ctrl + wheel) zoom
    canvas.addEventListener('wheel', (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      this.turn(this.yaw, this.pitch, this.fov + e.deltaY * WHEEL_ZOOM);
    }, { passive: false });
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.schedule()).observe(canvas);
  }

  /** One pointer drags, two pinch: each gesture starts again from the view when a finger comes or goes. */
  startGesture() {
    const points = [...this.pointers.values()];
    this.gesture = points.length ? { points, yaw: this.yaw, pitch: this.pitch, fov: this.fov, spread: spread(points) } : null;
  }

  /** The panorama follows the finger: dragging right brings what is on the left into view. */
  moveGesture() {
    const start = this.gesture;
    if (!start) return;
    const points = [...this.pointers.values()];
    if (points.length >= 2 && start.points.length >= 2) {
      this.turn(this.yaw, this.pitch, start.fov * (start.spread / Math.max(spread(points), 1)));
      return;
    }
    const degreesPerPixel = this.fov / (this.canvas.clientHeight || 1);
    const [from, to] = [start.points[0], points[0]];
    this.turn(start.yaw - (to.x - from.x) * degreesPerPixel, start.pitch + (to.y - from.y) * degreesPerPixel, this.fov);
  }

  /** Arrow keys turn, + − and Page Up/Down zoom; true when the key was one of them. */
  key(e) {
    const step = KEY_STEPS[e.key];
    if (!step || e.altKey || e.ctrlKey || e.metaKey) return false;
    this.turn(this.yaw + step[0], this.pitch + step[1], this.fov + step[2]);
    return true;
  }

  /** Gone, and its WebGL context given back (a phone keeps only a few). */
  remove() {
    cancelAnimationFrame(this.frame);
    const lose = this.gl && this.gl.getExtension('WEBGL_lose_context');
    if (lose) lose.loseContext();
    this.gl = null;
    this.root.remove();
  }
}

/** The distance between the first two fingers. */
function spread(points) {
  return points.length < 2 ? 0 : Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y);
}
