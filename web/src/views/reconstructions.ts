/// <reference lib="dom" />
/**
 * The image view: shown digits above their reconstructions, then the same digits with noise
 * added above what the model makes of them (denoising). The report's image-rows view draws the
 * pixels and its markup sets the row names as text beside the canvas, so the names stay readable
 * at any size and the picture is the one `latent train --report` shows.
 */

import { escapeXml, imageRowsMarkup, imageRowsView } from '../../../src/report/index.js';
import type { ImageRows } from '../protocol.js';
import { drawPixels } from './canvas.js';

/**
 * Draw the reconstruction and denoising rows into `figure` as a canvas with id `canvasId`, described by `alt`.
 *
 * @example
 * renderReconstructions(byId('reconstructions-figure'), 'reconstructions', views.images, 'Ten held-out digits …');
 */
export function renderReconstructions(figure: HTMLElement, canvasId: string, images: ImageRows, alt: string): HTMLCanvasElement {
  const view = imageRowsView(
    [
      { label: 'original', images: images.originals },
      { label: 'reconstructed', images: images.reconstructions },
      { label: 'noisy', images: images.noisy },
      { label: 'denoised', images: images.denoised },
    ],
    { height: images.height, width: images.width },
    { scale: 2, padding: 3 },
  );
  figure.innerHTML = imageRowsMarkup(view, `<canvas id="${escapeXml(canvasId)}" role="img" aria-label="${escapeXml(alt)}"></canvas>`);
  const canvas = figure.querySelector('canvas')!;
  drawPixels(canvas, view.grid);
  canvas.dataset['images'] = String(images.originals.length / (images.height * images.width));
  canvas.title = `noise for the denoising rows: ${images.noise}`;
  return canvas;
}
