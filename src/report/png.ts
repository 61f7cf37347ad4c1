/**
 * PNG encode/decode. NODE ONLY: pngjs needs Node's zlib and Buffer, so this file is exported from
 * `report/node.ts`, never from the browser entry (the playground uses a canvas instead).
 *
 * Pixels are 8-bit, row-major, interleaved (HWC). Decoding returns float32 values in [0, 1] with
 * 1 channel for grayscale PNGs and 3 for colour (palette included); alpha is composited over a
 * uniform background so callers never see a fourth channel.
 */

import { PNG } from 'pngjs';
import { LatentError } from '../errors.js';

export type PngChannels = 1 | 3;

/** A decoded PNG: `data` holds height × width × channels values in [0, 1]. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly channels: PngChannels;
  readonly data: Float32Array;
}

export interface DecodePngOptions {
  /** Gray level in [0, 1] that transparent pixels are composited over (default 0, black). */
  readonly background?: number;
}

const GRAYSCALE = 0;
const COLOR = 2;

/**
 * Encode 8-bit pixels (height × width × channels, row-major) as a PNG file.
 *
 * @example
 * const png = encodePng(new Uint8Array(28 * 28), 28, 28, 1);
 * writeFileAtomic('digit.png', png);
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: PngChannels): Uint8Array {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new LatentError(`cannot encode a ${width}×${height} PNG`, 'width and height must be positive integers');
  }
  if (pixels.length !== width * height * channels) {
    throw new LatentError(
      `PNG pixels: expected ${width}×${height}×${channels} = ${width * height * channels} bytes, got ${pixels.length}`,
      'pass one byte per channel per pixel, row by row',
    );
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const colorType = channels === 1 ? GRAYSCALE : COLOR;
  const buffer = PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false, bitDepth: 8 });
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Decode a PNG file to float32 values in [0, 1].
 *
 * @param source - file name used in error messages.
 * @example
 * const { width, height, channels, data } = decodePng(readFileSync('a.png'), 'a.png');
 */
export function decodePng(bytes: Uint8Array, source: string, options: DecodePngOptions = {}): DecodedPng {
  const background = options.background ?? 0;
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(`${source} is not a readable PNG image (${reason})`, 'check that the file is a complete, uncorrupted PNG');
  }
  const { width, height, data: rgba } = png;
  // Palette images report `color`; plain grayscale (with or without alpha) does not.
  const channels: PngChannels = png.color || png.palette ? 3 : 1;
  const count = width * height;
  const out = new Float32Array(count * channels);
  for (let p = 0; p < count; p++) {
    const alpha = rgba[4 * p + 3] / 255;
    const over = (1 - alpha) * background;
    for (let c = 0; c < channels; c++) {
      out[p * channels + c] = (rgba[4 * p + c] / 255) * alpha + over;
    }
  }
  return { width, height, channels, data: out };
}
