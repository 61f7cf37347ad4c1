/**
 * The playground's built-in digits: a compact binary asset made at build time from the MNIST
 * split the library uses (`loadMnist`, which reads the digits asset shipped with the package), so
 * the page works with no upload and no network beyond its own origin.
 *
 * Layout before gzip (little-endian): magic `LMN1` (4 bytes), sample count (u32), height (u16),
 * width (u16), then one label byte per sample, then height·width pixel bytes per sample
 * (value = byte / 255; the package stores pixels as byte / 255 rounded to 3 decimals).
 * Invariant: `decodeMnistAsset(encodeMnistAsset(d))` gives back `d` to within 1/510 per pixel.
 */

import { gunzipSync, gzipSync } from 'fflate';
import { LatentError } from '../../src/errors.js';

const MAGIC = 'LMN1';
const HEADER_BYTES = 12;

/** Digits with their labels, rows of height·width values in [0, 1]. */
export interface DigitSample {
  readonly pixels: Float32Array;
  readonly labels: Float32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Packs digits into the gzipped asset.
 *
 * @example
 * writeFileSync('mnist-sample.bin', encodeMnistAsset({ pixels, labels, count: 5000, height: 28, width: 28 }));
 */
export function encodeMnistAsset(sample: DigitSample): Uint8Array {
  const { count, height, width } = sample;
  const size = height * width;
  const raw = new Uint8Array(HEADER_BYTES + count * (1 + size));
  const view = new DataView(raw.buffer);
  for (let i = 0; i < 4; i++) raw[i] = MAGIC.charCodeAt(i);
  view.setUint32(4, count, true);
  view.setUint16(8, height, true);
  view.setUint16(10, width, true);
  for (let i = 0; i < count; i++) raw[HEADER_BYTES + i] = sample.labels[i]!;
  const pixelStart = HEADER_BYTES + count;
  for (let i = 0; i < count * size; i++) raw[pixelStart + i] = Math.round(Math.min(1, Math.max(0, sample.pixels[i]!)) * 255);
  return gzipSync(raw, { level: 9 });
}

/**
 * Unpacks the asset; `source` names it in errors.
 *
 * @example
 * const digits = decodeMnistAsset(new Uint8Array(await (await fetch('mnist-sample.bin')).arrayBuffer()), 'mnist-sample.bin');
 */
export function decodeMnistAsset(bytes: Uint8Array, source: string): DigitSample {
  let raw: Uint8Array;
  try {
    raw = gunzipSync(bytes);
  } catch (error) {
    throw new LatentError(
      `${source}: not a gzip file (${error instanceof Error ? error.message : String(error)})`,
      'rebuild it with npm run build:web',
    );
  }
  const magic = String.fromCharCode(...raw.subarray(0, 4));
  if (raw.length < HEADER_BYTES || magic !== MAGIC) {
    throw new LatentError(`${source}: not a latent digits asset (magic ${JSON.stringify(magic)})`, 'rebuild it with npm run build:web');
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = view.getUint32(4, true);
  const height = view.getUint16(8, true);
  const width = view.getUint16(10, true);
  const size = height * width;
  const expected = HEADER_BYTES + count * (1 + size);
  if (raw.length !== expected) {
    throw new LatentError(
      `${source}: holds ${raw.length} bytes, ${count} digits of ${height}×${width} need ${expected}`,
      'rebuild it with npm run build:web',
    );
  }
  const labels = Float32Array.from(raw.subarray(HEADER_BYTES, HEADER_BYTES + count));
  const pixels = new Float32Array(count * size);
  const start = HEADER_BYTES + count;
  for (let i = 0; i < pixels.length; i++) pixels[i] = raw[start + i]! / 255;
  return { pixels, labels, count, height, width };
}
