// Small 24×24 icons drawn with SVG attributes only (no style attributes: the page's CSP
// has no 'unsafe-inline' for styles).  Colour comes from `currentColor`.

const SVG_NS = 'http://www.w3.org/2000/svg';

const PATHS = {
  go: [['M12 3.5 20.5 12H15v8.5H9V12H3.5z']],
  exhibit: [['M10.8 10h2.4v8h-2.4zM10.8 5.6h2.4V8h-2.4z']],
  audio: [['M3.5 9h4l5-4.2v14.4l-5-4.2h-4z'], ['M15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12', 'stroke']],
  pause: [['M6.5 5h4v14h-4zM13.5 5h4v14h-4z']],
  image: [['M4 5h16v14H4z', 'stroke'], ['M5.5 17.5 10 12l3 3.5 2-2 3.5 4z'], ['M15.5 9.5m-1.6 0a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0']],
  video: [['M8 5v14l11-7z']],
  text: [['M5 6h14v2H5zM5 11h14v2H5zM5 16h9v2H5z']],
  url: [['M14 4h6v6h-2V7.4l-7.3 7.3-1.4-1.4L16.6 6H14zM5 6h6v2H6.5v9.5H16V13h2v6.5H4.5V6z']],
  share: [['M18 8a3 3 0 1 0-2.9-3.7L8.6 8.1a3 3 0 1 0 0 7.8l6.5 3.8A3 3 0 1 0 16 17.2l-6.5-3.8a3 3 0 0 0 0-2.8L16 6.8A3 3 0 0 0 18 8z']],
  embed: [['M8.5 7 3.5 12l5 5M15.5 7l5 5-5 5', 'stroke']],
  gyroscope: [['M8 3h8a1.5 1.5 0 0 1 1.5 1.5v15A1.5 1.5 0 0 1 16 21H8a1.5 1.5 0 0 1-1.5-1.5v-15A1.5 1.5 0 0 1 8 3z', 'stroke'], ['M2 9c-1 2-1 4 0 6M22 9c1 2 1 4 0 6', 'stroke']],
  stereo: [['M2.5 7.5h19v9.5h-6l-2-3h-3l-2 3h-6z', 'stroke'], ['M7.5 12.2m-1.8 0a1.8 1.8 0 1 0 3.6 0a1.8 1.8 0 1 0-3.6 0M16.5 12.2m-1.8 0a1.8 1.8 0 1 0 3.6 0a1.8 1.8 0 1 0-3.6 0']],
  fullscreen: [['M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5', 'stroke']],
  close: [['M6 6l12 12M18 6 6 18', 'stroke']],
};

export function icon(name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '24');
  svg.setAttribute('height', '24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'tour-icon');
  for (const [d, mode] of PATHS[name] || PATHS.text) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    if (mode === 'stroke') {
      path.setAttribute('fill', 'none');
      path.setAttribute('stroke', 'currentColor');
      path.setAttribute('stroke-width', '2');
      path.setAttribute('stroke-linecap', 'round');
      path.setAttribute('stroke-linejoin', 'round');
    } else {
      path.setAttribute('fill', 'currentColor');
    }
    svg.appendChild(path);
  }
  return svg;
}

/** The compass background of PSV's CompassPlugin, with the north letter turned to `north` degrees. */
export function compassSvg(north) {
  // Same drawing as @photo-sphere-viewer/compass-plugin's compass.svg (MIT), the ring and
  // the "N" wrapped in a rotation so that N sits at the yaw where north is.
  return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    + '<circle cx="50" cy="50" r="50" fill="rgba(61, 61, 61, .5)"/>'
    + `<g transform="rotate(${Number(north) || 0} 50 50)">`
    + '<path fill="rgba(255, 255, 255, .7)" d="M50 97.1A47 47 0 0 1 32.5 6.5l.8 1.8a45 45 0 1 0 33.4 0l.8-1.8A47 47 0 0 1 50 97Zm0-42a5 5 0 1 1 5-5 5 5 0 0 1-5 5Zm4-41.7h-1.6a.4.4 0 0 1-.4-.2l-4.6-7.7V13a.3.3 0 0 1-.3.3h-1.6a.3.3 0 0 1-.3-.3V1.8a.3.3 0 0 1 .3-.3h1.6a.3.3 0 0 1 .4.2L52 9.4V1.8a.3.3 0 0 1 .3-.3H54c.2 0 .3 0 .3.3V13c0 .2-.1.3-.3.3Z"/>'
    + '</g></svg>';
}
