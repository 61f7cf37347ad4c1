/**
 * An image view (pixel grid and text alternative) as a report figure: the grid encoded as PNG and
 * inlined as base64. Node only (PNG encoding goes through pngjs).
 */

import { toBase64 } from '../base64.js';
import type { ReportFigure } from '../html-report.js';
import { encodePng } from '../png.js';
import type { ImageView } from '../views/image-rows.js';

/**
 * @example
 * figures.push(pngFigure(imageRowsView(rows, shape), 'Top: held-out digits; bottom: what the model rebuilds.'));
 */
export function pngFigure(view: ImageView, caption: string, wide = false): ReportFigure {
  const { grid } = view;
  return { pngBase64: toBase64(encodePng(grid.pixels, grid.width, grid.height, grid.channels)), alt: view.alt, caption, wide };
}
