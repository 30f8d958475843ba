// Bundles the tour viewer: viewer/tour.js (+ the CSS it imports) -> static/vendor/tour.{js,css},
// the 3D page loader viewer/model.js -> static/vendor/model.js, the search page's
// viewer/search.js -> static/vendor/search.js and the catalogue index's filter viewer/facets.js
// -> static/vendor/facets.js; copies model-viewer's own bundle and the Draco, Basis and meshopt
// decoders it would otherwise fetch from CDNs.
// Run with `npm run build` in themes/default (after `npm ci`).  The output is deterministic:
// no hashes, timestamps or absolute paths, so two builds are byte-identical.

import { build } from 'esbuild';
import { copyFileSync, readFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basemap } from './basemap.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const theme = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(theme, 'static', 'vendor');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

await build({
  absWorkingDir: theme,
  entryPoints: { tour: 'viewer/tour.js', model: 'viewer/model.js', search: 'viewer/search.js', facets: 'viewer/facets.js' },
  outdir: 'static/vendor',
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
  logLevel: 'warning',
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

let total = 0;
for (const name of ['tour.js', 'tour.css', 'model.js', 'search.js', 'facets.js', 'model-viewer.js', 'map/map.js', 'map/map-style.css', 'map/basemap.json']) {
  const data = readFileSync(join(outdir, name));
  const gz = gzipSync(data, { level: 9 }).length;
  if (name === 'tour.js') total += gz;
  console.log(`static/vendor/${name}: ${data.length} bytes, ${gz} bytes gzip -9`);
}
const BUDGET = 250 * 1024;
if (total > BUDGET) {
  console.error(`tour JS is ${total} bytes gzipped, over the ${BUDGET} byte budget`);
  process.exit(1);
}
