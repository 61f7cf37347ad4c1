/**
 * Image grids: compose rows of small images (e.g. originals above reconstructions) into one 8-bit
 * pixel buffer, browser-safe. `report/node.ts` turns the result into a PNG file.
 *
 * Images are float values in [0, 1] laid out height × width × channels (HWC); values outside
 * [0, 1] are clamped and NaN is drawn as 0. Each input row keeps its label on its first line and
 * wraps onto further lines when it has more images than `columns`. Every image pixel becomes a
 * scale × scale block, so small digits stay crisp.
 */

import { LatentError } from '../errors.js';
import { drawText, textHeight, textWidth } from './bitmap-font.js';

/** One labelled row: images packed n × height × width × channels, or one array per image. */
export interface ImageGridRow {
  readonly label?: string;
  readonly images: Float32Array | ReadonlyArray<Float32Array>;
}

/** Rows (labelled or bare lists of images), or a single packed batch laid out in `columns`. */
export type ImageGridInput = Float32Array | ReadonlyArray<ImageGridRow | ReadonlyArray<Float32Array>>;

export interface ImageGridOptions {
  /** Height of one image in pixels. */
  readonly height: number;
  /** Width of one image in pixels. */
  readonly width: number;
  /** Channels per pixel (default 1). */
  readonly channels?: 1 | 3;
  /** Images per line; default: the longest row, or a square layout for a single packed batch. */
  readonly columns?: number;
  /** Gap between images and around the grid, in output pixels (default 2). */
  readonly padding?: number;
  /** Integer upscale factor applied to every image (default 1). */
  readonly scale?: number;
  /** Gray level in [0, 1] of the gaps and label area (default 1, white). */
  readonly background?: number;
}

/** An 8-bit image, row-major, channels interleaved. */
export interface GridPixels {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

interface Line {
  readonly label: string | undefined;
  readonly images: Float32Array[];
}

/**
 * Compose images into one grid.
 *
 * @example
 * // 10 test digits (10 × 784 values) above their reconstructions, each digit drawn at 3×:
 * imageGrid([{ label: 'original', images: x }, { label: 'reconstruction', images: y }], { height: 28, width: 28, scale: 3 });
 */
export function imageGrid(input: ImageGridInput, options: ImageGridOptions): GridPixels {
  const { height, width } = options;
  const channels = options.channels ?? 1;
  const padding = options.padding ?? 2;
  const scale = options.scale ?? 1;
  const background = toByte(options.background ?? 1);
  checkCount('height', height, 1);
  checkCount('width', width, 1);
  checkCount('padding', padding, 0);
  checkCount('scale', scale, 1);
  const imageSize = height * width * channels;

  const rows = normaliseRows(input, imageSize);
  const longest = Math.max(1, ...rows.map((row) => row.images.length));
  const columns = options.columns ?? (input instanceof Float32Array ? Math.ceil(Math.sqrt(longest)) : longest);
  checkCount('columns', columns, 1);
  const lines = wrap(rows, columns);

  const cellWidth = width * scale;
  const cellHeight = height * scale;
  const fontScale = Math.max(1, Math.min(4, Math.floor(cellHeight / 24)));
  const labelWidth = Math.max(0, ...lines.map((line) => textWidth(line.label ?? '', fontScale)));
  const left = labelWidth > 0 ? labelWidth + 2 * padding : padding;
  const gridWidth = left + columns * (cellWidth + padding);
  const gridHeight = padding + lines.length * (cellHeight + padding);
  const pixels = new Uint8Array(gridWidth * gridHeight * channels).fill(background);
  const target: GridPixels = { pixels, width: gridWidth, height: gridHeight, channels };

  lines.forEach((line, lineIndex) => {
    const top = padding + lineIndex * (cellHeight + padding);
    if (line.label !== undefined) {
      const ink = background > 127 ? 0 : 255;
      drawText(target, padding, top + Math.floor((cellHeight - textHeight(fontScale)) / 2), line.label, ink, fontScale);
    }
    line.images.forEach((image, column) => {
      blit(target, image, left + column * (cellWidth + padding), top, width, height, scale);
    });
  });
  return target;
}

function normaliseRows(input: ImageGridInput, imageSize: number): Line[] {
  if (input instanceof Float32Array) return [{ label: undefined, images: split(input, imageSize, 'images') }];
  return input.map((row, index) => {
    const where = `image grid row ${index + 1}`;
    if (isRow(row)) {
      const images = row.images instanceof Float32Array ? split(row.images, imageSize, where) : [...row.images];
      images.forEach((image, i) => checkImage(image, imageSize, `${where}, image ${i + 1}`));
      return { label: row.label, images };
    }
    row.forEach((image, i) => checkImage(image, imageSize, `${where}, image ${i + 1}`));
    return { label: undefined, images: [...row] };
  });
}

function isRow(row: ImageGridRow | ReadonlyArray<Float32Array>): row is ImageGridRow {
  return !Array.isArray(row);
}

function split(packed: Float32Array, imageSize: number, where: string): Float32Array[] {
  if (packed.length % imageSize !== 0) {
    throw new LatentError(
      `${where}: ${packed.length} values is not a whole number of ${imageSize}-value images`,
      'check the height, width and channels options against the data',
    );
  }
  const images: Float32Array[] = [];
  for (let start = 0; start < packed.length; start += imageSize) images.push(packed.subarray(start, start + imageSize));
  return images;
}

function checkImage(image: Float32Array, imageSize: number, where: string): void {
  if (image.length !== imageSize) {
    throw new LatentError(
      `${where} has ${image.length} values, expected ${imageSize}`,
      'check the height, width and channels options against the data',
    );
  }
}

function wrap(rows: Line[], columns: number): Line[] {
  const lines: Line[] = [];
  for (const row of rows) {
    if (row.images.length === 0) lines.push(row);
    for (let start = 0; start < row.images.length; start += columns) {
      lines.push({ label: start === 0 ? row.label : undefined, images: row.images.slice(start, start + columns) });
    }
  }
  return lines;
}

function blit(target: GridPixels, image: Float32Array, x0: number, y0: number, width: number, height: number, scale: number): void {
  const { pixels, channels } = target;
  for (let y = 0; y < height * scale; y++) {
    const sourceRow = Math.floor(y / scale) * width;
    const targetRow = ((y0 + y) * target.width + x0) * channels;
    for (let x = 0; x < width * scale; x++) {
      const source = (sourceRow + Math.floor(x / scale)) * channels;
      for (let c = 0; c < channels; c++) pixels[targetRow + x * channels + c] = toByte(image[source + c]);
    }
  }
}

function toByte(value: number): number {
  if (!(value > 0)) return 0;
  return value >= 1 ? 255 : Math.round(value * 255);
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new LatentError(`image grid ${name} must be an integer >= ${min}, got ${value}`, `pass a whole number for ${name}`);
  }
}
