/**
 * Builds the browser playground into a folder: bundles web/src/main.ts (the page) and
 * web/src/worker.ts (the training worker) with esbuild, copies index.html and style.css, and
 * writes the playground digits asset from the library's built-in digits (`loadMnist`).
 *
 * Invariant: the output is a static site (no server code); it runs from any origin, with threads
 * when the server sends the cross-origin isolation headers.
 */

import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadMnist } from '../src/data/node-mnist.js';
import { MNIST_ASSET } from '../web/src/data.js';
import { encodeMnistAsset } from '../web/src/mnist-asset.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm run build:web` puts the site. */
export const WEB_DIST = join(ROOT, 'web', 'dist');
/** Digits in the built-in asset (the first rows of the library's MNIST train split). */
export const ASSET_DIGITS = 5000;

export interface WebBuild {
  readonly outDir: string;
  /** Files written, relative to outDir, with their sizes in bytes. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
}

/**
 * Build the playground into `outDir` (default web/dist).
 *
 * @example
 * const { files } = await buildWeb('/tmp/site'); // index.html, style.css, main.js, worker.js, mnist-sample.bin
 */
export async function buildWeb(outDir = WEB_DIST): Promise<WebBuild> {
  await mkdir(outDir, { recursive: true });
  const bundles = await build({
    entryPoints: [join(ROOT, 'web/src/main.ts'), join(ROOT, 'web/src/worker.ts')],
    outdir: outDir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(join(ROOT, 'web/index.html'), join(outDir, 'index.html'));
  await copyFile(join(ROOT, 'web/style.css'), join(outDir, 'style.css'));
  const { train } = loadMnist();
  const count = Math.min(ASSET_DIGITS, train.x.rows);
  const asset = encodeMnistAsset({
    pixels: train.x.data.subarray(0, count * train.x.cols),
    labels: train.labels!.subarray(0, count),
    count,
    height: 28,
    width: 28,
  });
  await writeFile(join(outDir, MNIST_ASSET), asset);
  const files = [
    ...Object.entries(bundles.metafile.outputs).map(([path, output]) => ({ name: path.split('/').pop()!, bytes: output.bytes })),
    { name: MNIST_ASSET, bytes: asset.length },
  ];
  return { outDir, files };
}
