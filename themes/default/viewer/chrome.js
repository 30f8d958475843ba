// The tool bar (share, embed, gyroscope, headset, full screen) and the scene index
// that mirrors the viewer in plain HTML.

import { el, copyText } from './util.js';
import { icon } from './icons.js';

/** Methods of the Tour (tour.js), mixed into its prototype. */
export const chromeMethods = {
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
      embed: button('embed', S.embed, 'embed', !this.teacherBox),
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

  },

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
  },

  onTool(action, node) {
    switch (action) {
      case 'share':
        this.share();
        break;
      case 'embed':
        this.showEmbed();
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
  },

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
  },

  /** The embed code is in the page's teacher box (partials/teacher.html): opened, shown, selected. */
  showEmbed() {
    this.teacherBox.open = true;
    const snippet = this.teacherBox.querySelector('textarea');
    snippet.scrollIntoView({ block: 'center', behavior: this.reducedMotion ? 'auto' : 'smooth' });
    snippet.focus({ preventScroll: true });
  },

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
  },

  flash(message) {
    this.toast.textContent = message;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.toast.textContent = '';
    }, 3000);
  },

  announce(message) {
    if (!this.status) return;
    this.status.textContent = '';
    // a new text node so that screen readers read it again
    setTimeout(() => {
      this.status.textContent = message;
    }, 50);
  },

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
  },

  isFullscreen() {
    const fs = document.fullscreenElement || document.webkitFullscreenElement;
    return fs === this.root || this.root.classList.contains('tour--pseudo-fullscreen');
  },

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
  },

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
  },

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
  },

  revealViewer() {
    const rect = this.viewerEl.getBoundingClientRect();
    if (rect.bottom < 40 || rect.top > window.innerHeight - 40) {
      this.viewerEl.scrollIntoView({ block: 'nearest', behavior: this.reducedMotion ? 'auto' : 'smooth' });
    }
  },
};
