/**
 * An image view (pixel grid and text alternative) as a report figure: the grid encoded as PNG and
 * inlined as base64; rows of images get their names as text beside the picture, laid out by the
 * markup the playground uses too. Node only (PNG encoding goes through pngjs).
 */

import { toBase64 } from '../base64.js';
import { pngImage, type ReportFigure } from '../html-report.js';
import { encodePng } from '../png.js';
import type { ImageRowsView, ImageView } from '../views/image-rows.js';
import { imageRowsMarkup } from '../views/image-rows-markup.js';

/**
 * @example
 * figures.push(pngFigure(imageRowsView(rows, shape), 'Top: held-out digits; bottom: what the model rebuilds.'));
 */
export function pngFigure(view: ImageView | ImageRowsView, caption: string, wide = false): ReportFigure {
  const { grid } = view;
  const base64 = toBase64(encodePng(grid.pixels, grid.width, grid.height, grid.channels));
  if ('rows' in view) return { html: imageRowsMarkup(view, pngImage(base64, view.alt)), caption, wide };
  return { pngBase64: base64, alt: view.alt, caption, wide };
}
