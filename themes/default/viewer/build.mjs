// Bundles the tour viewer: viewer/tour.js (+ the CSS it imports) -> static/vendor/tour/tour.{js,css}
// and the chunks it loads after the first view (content-hashed names in the same folder),
// the 3D page loader viewer/model.js -> static/vendor/model.js, the search page's
// viewer/search.js -> static/vendor/search.js, the catalogue index's filter viewer/facets.js
// -> static/vendor/facets.js, the story page's live panel viewer/story.js -> static/vendor/story.js,
// the deep-zoom loader viewer/zoom.{js,css} -> static/vendor/zoom.{js,css}
// and the viewer it imports on demand, viewer/deepzoom.js (OpenSeadragon) -> static/vendor/deepzoom.js, the offline registration, button and service worker code
// -> static/vendor/offline/; copies model-viewer's own bundle and the Draco, Basis and meshopt
// decoders it would otherwise fetch from CDNs.
// Run with `npm run build` in themes/default (after `npm ci`).  The output is deterministic:
// no timestamps or absolute paths, and the chunks' hashes are of their content, so two builds
// are byte-identical.

import { build } from 'esbuild';
import { copyFileSync, readFileSync, readdirSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basemap } from './basemap.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const theme = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(theme, 'static', 'vendor');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const viewerOptions = {
  absWorkingDir: theme,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  // WebGL 2 is required anyway (Chrome/Android 56+, Safari 15+); es2019 keeps old
  // Android WebViews and Safari 13/14 able to parse the file and show the fallback.
  target: ['es2019'],
  charset: 'utf8',
  legalComments: 'eof', // keeps the MIT notices of three.js and Photo Sphere Viewer
  sourcemap: false,
  treeShaking: true,
  // Chunk hashes cover the inputs' paths: a checkout whose node_modules is a link (a git worktree)
  // must name its chunks as the one it links to.
  preserveSymlinks: true,
  logLevel: 'warning',
};

// The tour in a folder of its own (the builder versions it as a whole, so the chunks' relative
// imports hold): the entry is the first view, what it imports statically comes with it
// (modulepreload, tour/first-view.json), and its dynamic imports are chunks fetched after it.
const tourDir = join(outdir, 'tour');
const tour = await build({
  ...viewerOptions,
  entryPoints: { tour: 'viewer/tour.js' },
  outdir: 'static/vendor/tour',
  splitting: true,
  chunkNames: '[name]-[hash]',
  metafile: true,
});
const firstView = staticImports(tour.metafile, 'static/vendor/tour/tour.js');
writeFileSync(join(tourDir, 'first-view.json'), JSON.stringify(firstView.map((path) => path.slice('static/vendor/tour/'.length))) + '\n');

/** The entry and every chunk it imports statically, directly or not: what runs before the first view. */
function staticImports(metafile, entry) {
  const found = [entry];
  for (const path of found) {
    for (const imported of metafile.outputs[path].imports) {
      if (imported.kind === 'import-statement' && !found.includes(imported.path)) found.push(imported.path);
    }
  }
  return found;
}

await build({
  ...viewerOptions,
  entryPoints: { model: 'viewer/model.js', search: 'viewer/search.js', facets: 'viewer/facets.js', story: 'viewer/story.js' },
  outdir: 'static/vendor',
});

// Deep zoom: a small loader on the page, the viewer a bundle of its own that it imports only when a
// visitor opens it. OpenSeadragon adds one <style> element (a focus outline for touch screens),
// which the page's policy refuses: its rule is in zoom.css, and the bundle is told it is there.
const OSD_STYLE = "!document.querySelector('style[data-openseadragon-mobile-css]')";
const osdStyleInCss = {
  name: 'osd-style-in-css',
  setup(bundler) {
    bundler.onLoad({ filter: /openseadragon\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!source.includes(OSD_STYLE)) throw new Error(`OpenSeadragon no longer has ${OSD_STYLE}: check viewer/zoom.css`);
      return { contents: source.replace(OSD_STYLE, 'false'), loader: 'js' };
    });
  },
};
await build({
  ...viewerOptions,
  entryPoints: [
    { in: 'viewer/zoom.js', out: 'zoom' },
    { in: 'viewer/zoom.css', out: 'zoom' },
    { in: 'viewer/deepzoom.js', out: 'deepzoom' },
  ],
  outdir: 'static/vendor',
  plugins: [osdStyleInCss],
});

// `disan serve`'s authoring aids: a bundle of their own, outside static/ so no build publishes it.
await build({
  absWorkingDir: theme,
  entryPoints: ['viewer/authoring.js'],
  outfile: 'live/authoring.js',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2019'],
  logLevel: 'warning',
});

// model-viewer's published bundle (three.js included) is used as it is: it is the build its
// authors test, and it loads only after a visitor asks for the 3D view.
const modelViewer = readFileSync(join(theme, 'node_modules/@google/model-viewer/dist/model-viewer.min.js'), 'utf8');
writeFileSync(join(outdir, 'model-viewer.js'), modelViewer.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));

const decoders = join(outdir, 'decoders');
mkdirSync(decoders);
const libs = join(theme, 'node_modules/three/examples/jsm/libs');
for (const name of ['draco_decoder.js', 'draco_decoder.wasm', 'draco_wasm_wrapper.js']) {
  copyFileSync(join(libs, 'draco/gltf', name), join(decoders, name));
}
for (const name of ['basis_transcoder.js', 'basis_transcoder.wasm']) {
  copyFileSync(join(libs, 'basis', name), join(decoders, name));
}
// model-viewer loads the meshopt decoder as a classic script that defines MeshoptDecoder.
await build({
  absWorkingDir: theme,
  stdin: {
    contents: "import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';\n" +
      'globalThis.MeshoptDecoder = MeshoptDecoder;\n',
    resolveDir: theme,
  },
  outfile: 'static/vendor/decoders/meshopt_decoder.js',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2019'],
  legalComments: 'eof',
  logLevel: 'warning',
});

// The map page: Leaflet and its clustering, with their CSS and marker images, and the basemap,
// all in vendor/map/ under fixed names (the folder is versioned as a whole): the script finds
// its images and basemap next to itself, so nothing is fetched from another site.
await build({
  absWorkingDir: theme,
  entryPoints: { map: 'viewer/map.js', 'map-style': 'viewer/map.css' },
  outdir: 'static/vendor/map',
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'], // import.meta.url: the script finds its images and basemap beside itself
  charset: 'utf8',
  loader: { '.png': 'file' },
  assetNames: '[name]',
  legalComments: 'eof',
  logLevel: 'warning',
});
for (const name of ['marker-icon-2x.png', 'marker-shadow.png']) {
  copyFileSync(join(theme, 'node_modules/leaflet/dist/images', name), join(outdir, 'map', name));
}
writeFileSync(join(outdir, 'map', 'basemap.json'), JSON.stringify(basemap(theme)));

// Offline: the registration every page loads (tiny), the "save for offline" button it imports
// beside itself on a page that may be saved, and the service worker's code, which /sw.js (written
// by the builder with the build's version) imports as a classic script. Fixed names in a folder
// the builder versions as a whole.
await build({
  ...viewerOptions,
  entryPoints: { register: 'viewer/register.js', save: 'viewer/save.js' },
  outdir: 'static/vendor/offline',
  target: ['es2020'], // import.meta.url: register.js finds save.js beside itself
  legalComments: 'none',
});
await build({
  ...viewerOptions,
  entryPoints: { worker: 'viewer/sw.js' },
  outdir: 'static/vendor/offline',
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
});

const tourFiles = readdirSync(tourDir).sort().map((name) => `tour/${name}`);
const sizes = {};
for (const name of [...tourFiles, 'model.js', 'search.js', 'facets.js', 'zoom.js', 'deepzoom.js', 'model-viewer.js', 'map/map.js', 'map/map-style.css', 'map/basemap.json', 'offline/register.js', 'offline/save.js', 'offline/worker.js']) {
  const data = readFileSync(join(outdir, name));
  sizes[name] = gzipSync(data, { level: 9 }).length;
  console.log(`static/vendor/${name}: ${data.length} bytes, ${sizes[name]} bytes gzip -9`);
}
const sum = (names) => names.reduce((total, name) => total + sizes[name], 0);
const firstViewGz = sum(firstView.map((path) => `tour/${path.slice('static/vendor/tour/'.length)}`));
const tourGz = sum(tourFiles.filter((name) => name.endsWith('.js')));
const [firstViewBytes, threeBytes] = minifiedBytes(tour.metafile, firstView, /node_modules\/three\//);
console.log(`tour: first view ${firstViewGz} bytes gzip -9 (${firstView.length} files), all chunks ${tourGz}; three.js is ${threeBytes} of the first view's ${firstViewBytes} minified bytes`);

/** The minified bytes of the given outputs, and how many of them come from inputs matching `from`. */
function minifiedBytes(metafile, outputs, from) {
  let all = 0;
  let matching = 0;
  for (const path of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[path].inputs)) {
      all += bytesInOutput;
      if (from.test(input)) matching += bytesInOutput;
    }
  }
  return [all, matching];
}
// The first view is the glance (viewer/glance.js, plain WebGL) with the tour's chrome; three.js
// and PSV (~190 KB gzipped, of which WebGLRenderer alone is ~130 KB, bench/RESULTS.md) come in
// chunks after it.  The budget is issue 10's 120 KB for the page's whole first view, site.js
// included, so that nothing creeps back into the entry.
const BUDGET = { firstView: 110 * 1024, all: 250 * 1024 };
if (firstViewGz > BUDGET.firstView || tourGz > BUDGET.all) {
  console.error(`tour JS is ${firstViewGz} bytes gzipped before the first view and ${tourGz} in all, over ${JSON.stringify(BUDGET)}`);
  process.exit(1);
}
