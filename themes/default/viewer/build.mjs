// Bundles the tour viewer: viewer/tour.js (+ the CSS it imports) -> static/vendor/tour.{js,css}.
// Run with `npm run build` in themes/default (after `npm ci`).  The output is deterministic:
// no hashes, timestamps or absolute paths, so two builds are byte-identical.

import { build } from 'esbuild';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const theme = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(theme, 'static', 'vendor');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

await build({
  absWorkingDir: theme,
  entryPoints: { tour: 'viewer/tour.js' },
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

let total = 0;
for (const name of ['tour.js', 'tour.css']) {
  const data = readFileSync(join(outdir, name));
  const gz = gzipSync(data, { level: 9 }).length;
  if (name.endsWith('.js')) total += gz;
  console.log(`static/vendor/${name}: ${data.length} bytes, ${gz} bytes gzip -9`);
}
const BUDGET = 250 * 1024;
if (total > BUDGET) {
  console.error(`tour JS is ${total} bytes gzipped, over the ${BUDGET} byte budget`);
  process.exit(1);
}
