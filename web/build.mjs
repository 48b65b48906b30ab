// SPDX-License-Identifier: MIT
// Builds dist/: index.html (with the stylesheet inlined) and app.js, one
// minified classic script holding MQTT.js.  A classic script and an inline
// stylesheet because mosquitto's http_dir server sends no Content-Type,
// which browsers refuse for module scripts and stylesheets.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, 'dist');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'src/app.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  outfile: join(out, 'app.js'),
  legalComments: 'eof',
  logLevel: 'warning',
});

const css = readFileSync(join(here, 'src/style.css'), 'utf8').replace(/\/\*[^]*?\*\//g, '').replace(/\s+/g, ' ');
const html = readFileSync(join(here, 'src/index.html'), 'utf8').replace('/*STYLE*/', () => css);
writeFileSync(join(out, 'index.html'), html);

const js = readFileSync(join(out, 'app.js'));
console.log(`dashboard: ${out}/index.html ${statSync(join(out, 'index.html')).size} B, app.js ${js.length} B (${gzipSync(js).length} B gzipped)`);
