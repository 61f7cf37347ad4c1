/**
 * Empties dist/ and dist-cjs/ before a build, so files of modules that no longer exist (and
 * source maps of earlier builds) never end up in the package.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

for (const dir of ['dist', 'dist-cjs']) rmSync(fileURLToPath(new URL(`../${dir}`, import.meta.url)), { recursive: true, force: true });
