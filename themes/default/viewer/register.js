// On every page, so kept tiny: registers the site's service worker (sw.js at the site root:
// its scope is the whole site) and, on a page a visitor may save for offline (the page carries
// a #disan-offline data block), loads the "save for offline" button beside this file.
const script = document.querySelector('script[data-worker]');
if (script && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(script.dataset.worker, { updateViaCache: 'none' }).catch(() => {});
}
if (document.getElementById('disan-offline') && 'caches' in window) {
  import(new URL('save.js', import.meta.url).href);
}
