// The floor plan (map plugin) and the compass that follow the current scene.

import { isNum } from './util.js';
import { compassSvg } from './icons.js';

/** Methods of the Tour (tour.js), mixed into its prototype. */
export const planMethods = {
  // ---------------------------------------------------------------------------- plan
  planPoint(scene) {
    const plan = this.config.plan;
    const pos = scene && scene.plan_position;
    if (!plan || !pos || !isNum(pos.x) || !isNum(pos.y)) return null;
    return { x: pos.x * plan.width, y: pos.y * plan.height };
  },

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
  },

  // The map plugin keeps its rooms' places in window coordinates from its last drawing, so once
  // the page scrolls (a phone shows the maximised plan only in part) a tap lands beside the room:
  // a scroll asks for a new drawing, which measures again.
  followPageScroll() {
    if (!this.map) return;
    let queued = false;
    window.addEventListener('scroll', () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.map.component.update(false);
      });
    }, { passive: true });
  },

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
  },
};
