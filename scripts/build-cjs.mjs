/**
 * Builds the CommonJS copy of the package, dist-cjs/, from the ES modules tsc wrote to dist/:
 * each file converted on its own (no bundling, so `latent` and `latent/node` share one copy of
 * every module, and `instanceof` works across them), the type declarations copied beside them,
 * and a package.json saying `"type": "commonjs"` so Node and TypeScript read both as CommonJS.
 *
 * Invariant: dist-cjs/ mirrors dist/ file for file (the command line, dist/cli, excepted) at the same depth below the package root, so
 * paths relative to a module (the digits asset at ../../assets) hold in both.
 * `import.meta.url` has no CommonJS equivalent; in the few Node-only files that use it, it
 * becomes the file's own URL, built from `__filename`.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = join(root, 'dist');
const to = join(root, 'dist-cjs');

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

// The command line runs as ES modules (bin/latent.js); CommonJS users import the library only.
const files = walk(from).filter((file) => !relative(from, file).startsWith('cli'));
const modules = files.filter((file) => file.endsWith('.js'));
const usesMeta = modules.filter((file) => readFileSync(file, 'utf8').includes('import.meta'));
const plain = modules.filter((file) => !usesMeta.includes(file));

// Whitespace only is minified (names stay, so stacks read): the copy exists for require(), dist/
// holds the readable code, and the install stays within its size budget.
const common = {
  outdir: to,
  outbase: from,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  bundle: false,
  minifyWhitespace: true,
  logLevel: 'warning',
};
await build({ ...common, entryPoints: plain });
if (usesMeta.length > 0) {
  await build({
    ...common,
    entryPoints: usesMeta,
    define: { 'import.meta.url': '__latentModuleUrl' },
    banner: { js: 'const __latentModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
}
for (const file of files.filter((f) => f.endsWith('.d.ts'))) {
  const target = join(to, relative(from, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
writeFileSync(join(to, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
console.log(`dist-cjs: ${modules.length} CommonJS modules (${usesMeta.length} with a module URL), types copied`);
