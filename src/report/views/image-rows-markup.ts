/**
 * Rows of images as a page shows them: the picture (a report's PNG, the playground's canvas) with
 * each row's name set as text to its left, centred on its row. One HTML string for the report and
 * the playground, so both lay the names out the same way. DOM-free.
 *
 * Invariants: the names live outside the pixels, so they keep their CSS size however far a phone
 * shrinks the picture; the layout is in the markup's own style (a grid whose row tracks are the
 * picture's gaps and image rows in proportion), so it needs no stylesheet to line up, and pages
 * only style the words (class `row-label`). Names are aria-hidden: the picture's text alternative
 * already names its rows in order.
 */

import { escapeXml } from '../text.js';
import type { ImageRowsView } from './image-rows.js';

/**
 * The HTML of `view` with `picture` (trusted markup of an `<img>` or `<canvas>` showing
 * `view.grid` at its natural aspect ratio) and the row names beside it.
 *
 * @example
 * figure.innerHTML = imageRowsMarkup(view, '<canvas id="reconstructions" role="img" aria-label="…"></canvas>');
 */
export function imageRowsMarkup(view: ImageRowsView, picture: string): string {
  const { gap } = view.cells;
  // Row tracks in grid pixels as fr: the first gap, then each image row and the gap under it.
  const tracks = [`${gap}fr`, ...view.rows.flatMap((row) => [`${row.height}fr`, `${gap}fr`])].join(' ');
  const names = view.rows.map(
    (row, i) =>
      `<span class="row-label" aria-hidden="true" style="grid-area: ${2 + 2 * i} / 1; align-self: center; text-align: right; line-height: 1.2">${escapeXml(row.label)}</span>`,
  );
  return [
    `<div class="image-rows" style="display: grid; grid-template-columns: max-content minmax(0, 1fr); grid-template-rows: ${tracks}; column-gap: 10px">`,
    ...names,
    `<div class="image-rows-picture" style="grid-area: 1 / 2 / -1 / 3; min-width: 0">${picture}</div>`,
    '</div>',
  ].join('\n');
}
