/**
 * Puts the README written for users of the package in place while npm packs, and puts the
 * repository's development README back afterwards. npm always ships the root README.md, so
 * `prepack` runs `swap` (README.md → .README.dev.md, npm-readme.md → README.md) and
 * `postpack` runs `restore`.
 *
 * Invariant: the development README is never lost. `swap` refuses to run while a saved copy
 * exists (an earlier pack that did not finish), and `restore` only moves that copy back.
 */
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const at = (name) => fileURLToPath(new URL(`../${name}`, import.meta.url));
const readme = at('README.md');
const saved = at('.README.dev.md');
const forPackage = at('npm-readme.md');

const step = process.argv[2];
if (step === 'swap') {
  if (existsSync(saved)) {
    console.error(`${saved} exists: an earlier pack did not finish. Run "node scripts/package-readme.mjs restore" first.`);
    process.exit(1);
  }
  renameSync(readme, saved);
  copyFileSync(forPackage, readme);
} else if (step === 'restore') {
  if (existsSync(saved)) renameSync(saved, readme);
} else {
  console.error('usage: node scripts/package-readme.mjs swap|restore');
  process.exit(2);
}
