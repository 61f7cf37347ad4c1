/**
 * Image grids as PNG files (Node only, through `png.ts`). One call writes e.g. a row of test
 * digits above their reconstructions; the write is atomic and refuses to replace a file unless
 * `overwrite` is set.
 */

import { writeFileAtomic } from '../io/atomic.js';
import type { WriteOptions } from '../io/atomic.js';
import { imageGrid } from './image-grid.js';
import type { ImageGridInput, ImageGridOptions } from './image-grid.js';
import { encodePng } from './png.js';

/**
 * Compose images into a grid and encode it as PNG bytes.
 *
 * @example
 * const png = imageGridPng([{ label: 'original', images: x }, { label: 'reconstruction', images: y }], { height: 28, width: 28 });
 */
export function imageGridPng(input: ImageGridInput, options: ImageGridOptions): Uint8Array {
  const grid = imageGrid(input, options);
  return encodePng(grid.pixels, grid.width, grid.height, grid.channels);
}

/**
 * Compose images into a grid and write it to a PNG file.
 *
 * @example
 * saveImageGrid('reconstructions.png', [{ label: 'original', images: x }, { label: 'reconstruction', images: y }],
 *   { height: 28, width: 28, scale: 2, overwrite: true });
 */
export function saveImageGrid(path: string, input: ImageGridInput, options: ImageGridOptions & WriteOptions): void {
  writeFileAtomic(path, imageGridPng(input, options), options);
}
