// The content of a hotspot card: picture, narration and 3D model.

import { el, resolveUrl } from './util.js';

/** An exhibit's 3D model in its card: the poster and a button, as on the exhibit page (model3d.js). */
export function cardModel(model, settings) {
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
export function cardAudio(audio, label) {
  const player = el('audio', { controls: true, preload: 'none', 'aria-label': label },
    el('source', { src: resolveUrl(audio.src), type: audio.mime }));
  if (audio.vtt) player.append(el('track', { kind: 'captions', srclang: audio.lang, src: resolveUrl(audio.vtt), default: true }));
  return el('p', { class: 'tour-card-audio' }, player);
}

/** The picture in a hotspot card: responsive when the builder gave a srcset. */
export function cardImage(image) {
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
