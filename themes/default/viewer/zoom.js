// Entry point of pages with a deep-zoom photograph: a click on "Zoom in" loads the viewer
// (vendor/deepzoom.js, OpenSeadragon) and opens it over the photograph; until then, and without
// script, the link leads to the largest copy of the image.

for (const link of document.querySelectorAll('a.zoom-open[data-info]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    openZoom(link.closest('.zoom-frame'), link);
  });
}

/** Opens the viewer over `frame`, the box `link` (its data-info, data-viewer, labels) sits in;
 * resolves to the viewer, or to nothing when it is already open or could not load. */
export async function openZoom(frame, link) {
  if (frame.classList.contains('zoom-active')) return;
  frame.classList.add('zoom-active');
  const status = statusOf(frame);
  status.textContent = link.dataset.loading;
  try {
    // import() resolves against this module's URL: the page gives paths relative to itself
    const { openViewer } = await import(new URL(link.dataset.viewer, document.baseURI).href);
    await openViewer(frame, link, status);
    return frame.zoomViewer;
  } catch (error) {
    frame.classList.remove('zoom-active');
    status.textContent = link.dataset.failed;
    console.error(error);
  }
}

function statusOf(frame) {
  let status = frame.querySelector('.zoom-status');
  if (!status) {
    status = document.createElement('p');
    status.className = 'zoom-status';
    status.setAttribute('role', 'status');
    frame.append(status);
  }
  return status;
}
