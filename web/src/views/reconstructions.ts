/// <reference lib="dom" />
/**
 * The image view: shown digits above their reconstructions, then the same digits with noise
 * added above what the model makes of them (denoising). Drawn with the library's `imageGrid`;
 * the page names the rows in text beside the canvas, so the names stay readable at any size.
 */

import { imageGrid } from '../../../src/report/index.js';
import type { ImageRows } from '../protocol.js';
import { drawPixels } from './canvas.js';

/**
 * Draw the reconstruction and denoising rows on `canvas`.
 *
 * @example
 * renderReconstructions(byId('recon'), views.images);
 */
export function renderReconstructions(canvas: HTMLCanvasElement, images: ImageRows): void {
  const grid = imageGrid(
    [
      { label: '', images: images.originals },
      { label: '', images: images.reconstructions },
      { label: '', images: images.noisy },
      { label: '', images: images.denoised },
    ],
    { height: images.height, width: images.width, scale: 2, padding: 3 },
  );
  drawPixels(canvas, grid);
  canvas.dataset['images'] = String(images.originals.length / (images.height * images.width));
  canvas.title = `noise for the denoising rows: ${images.noise}`;
}
