/// <reference lib="dom" />
/**
 * Puts a grid of 8-bit pixels (the library's `imageGrid` output) on a canvas, one canvas pixel
 * per grid pixel; CSS scales it with `image-rendering: pixelated` so digits stay crisp.
 */

import type { GridPixels } from '../../../src/report/index.js';

/** Draw `grid` on `canvas`, resizing the canvas to the grid. */
export function drawPixels(canvas: HTMLCanvasElement, grid: GridPixels): void {
  canvas.width = grid.width;
  canvas.height = grid.height;
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(grid.width, grid.height);
  const n = grid.width * grid.height;
  for (let i = 0; i < n; i++) {
    const r = grid.channels === 1 ? grid.pixels[i]! : grid.pixels[3 * i]!;
    const g = grid.channels === 1 ? r : grid.pixels[3 * i + 1]!;
    const b = grid.channels === 1 ? r : grid.pixels[3 * i + 2]!;
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}
