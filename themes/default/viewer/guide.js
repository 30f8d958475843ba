// The guided tour: narration audio whose cues move the view, with captions.

import { el, isNum, resolveUrl } from './util.js';
import { icon } from './icons.js';

/** Methods of the Tour (tour.js), mixed into its prototype. */
export const guideMethods = {
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
  },

  syncGuide() {
    const g = this.guide;
    const playing = !g.audio.paused;
    g.label.textContent = playing ? this.S.guide_pause : this.S.guide_play;
    g.play.replaceChild(icon(playing ? 'pause' : 'video'), g.play.firstChild);
    g.play.classList.toggle('is-playing', playing);
    g.resume.hidden = !g.held;
  },

  toggleGuide() {
    const g = this.guide;
    if (!g.audio.paused) {
      g.audio.pause();
      return;
    }
    g.held = false;
    const played = g.audio.play();
    if (played && played.catch) played.catch(() => this.syncGuide());
  },

  resumeGuide() {
    this.guide.play.focus({ preventScroll: true }); // the resume button goes away
    this.toggleGuide();
  },

  holdGuide() {
    const g = this.guide;
    if (!g || g.audio.paused) return;
    g.held = true;
    g.audio.pause();
  },

  onGuidePlay() {
    const g = this.guide;
    g.held = false;
    if (this.autorotate) this.applyMotionPreference();
    g.index = -1; // back to the cue being spoken, wherever the visitor looked meanwhile
    this.followGuide(false);
    this.syncGuide();
  },

  onGuidePause() {
    if (this.viewer) this.viewer.stopAnimation();
    if (this.autorotate) this.applyMotionPreference();
    this.syncGuide();
  },

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
  },
};
