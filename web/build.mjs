// Builds the page into OUT: the files of src/ as they are (plain ES modules, no bundler, so any
// Node from Debian 12's 18 on will do) and Chart.js copied from the node_modules that `npm ci` made.
// Usage: node build.mjs OUT NODE_MODULES
import { cpSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [out, modules] = process.argv.slice(2);
if (!out || !modules) {
  console.error('usage: node build.mjs OUT NODE_MODULES');
  process.exit(2);
}
const src = join(dirname(fileURLToPath(import.meta.url)), 'src');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'vendor'), { recursive: true });
for (const f of readdirSync(src)) cpSync(join(src, f), join(out, f), { recursive: true });
cpSync(join(modules, 'chart.js', 'dist', 'chart.umd.js'), join(out, 'vendor', 'chart.umd.js'));
cpSync(join(modules, 'chart.js', 'LICENSE.md'), join(out, 'vendor', 'chart.js.LICENSE.md'));
console.log(`web: built ${out}`);
