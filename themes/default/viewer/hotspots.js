// Hotspots and cards: the markers of a scene, what a hotspot does when activated, and
// the dialog its card opens in.

import { HOTSPOT_TYPES, HOTSPOT_SIZE, el, hotspotPosition, resolveUrl } from './util.js';
import { icon } from './icons.js';
import { cardAudio, cardImage, cardModel } from './cards.js';

/** Methods of the Tour (tour.js), mixed into its prototype. */
export const hotspotMethods = {
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
  },

  sceneLinks(scene) {
    return (scene.hotspots || []).flatMap((hotspot, index) => (hotspot.type !== 'go' || !this.scenes.has(hotspot.target) ? [] : [{
      nodeId: hotspot.target,
      position: hotspotPosition(hotspot),
      arrowStyle: { element: () => this.markerElement(scene, hotspot, index) },
      data: { view: hotspot.view },
    }]));
  },

  /** The scene's hotspots for the glance: the same elements PSV shows, and the same action. */
  glanceHotspots(scene) {
    return (scene.hotspots || []).flatMap((hotspot, index) => {
      if (hotspot.type === 'go' && !this.scenes.has(hotspot.target)) return [];
      const node = this.markerElement(scene, hotspot, index);
      node.addEventListener('click', () => this.activate(scene.id, index, node));
      return [{ node, yaw: Number(hotspot.yaw) || 0, pitch: Number(hotspot.pitch) || 0 }];
    });
  },

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
  },

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
  },

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
  },

  pauseAudio() {
    if (this.audio && !this.audio.paused) this.audio.pause();
    for (const narration of this.root.querySelectorAll('audio[data-scene-audio]')) narration.pause();
  },

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
  },

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
  },

  showDialog(title, children, invoker) {
    const dialog = this.dialog();
    if (dialog.open) dialog.close();
    this.dialogTitle.textContent = title || '';
    this.dialogBody.replaceChildren(...children);
    this.dialogInvoker = invoker && invoker.isConnected ? invoker : null;
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    this.dialogTitle.focus();
  },

  closeDialog() {
    if (!this.dialogEl) return;
    if (typeof this.dialogEl.close === 'function' && this.dialogEl.open) this.dialogEl.close();
    else if (this.dialogEl.hasAttribute('open')) {
      this.dialogEl.removeAttribute('open');
      this.onDialogClosed();
    }
  },

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
  },

  linkTarget() {
    return window.self !== window.top ? '_top' : null;
  },

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
    if (this.guide) this.holdGuide(); // the visitor turned to this object: the guide waits, with "Resume guide"
    this.showDialog(hotspot.label || '', parts, invoker);
    const stage = this.dialogBody.querySelector('.model-stage');
    if (stage) import('./model3d.js').then((model) => model.setUp(stage));
  },

  hostOf(href) {
    try {
      return new URL(href, location.href).host;
    } catch {
      return href;
    }
  },
};
