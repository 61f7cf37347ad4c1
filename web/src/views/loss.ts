/// <reference lib="dom" />
/**
 * The loss view: the library's shared loss-curve view (the one the HTML reports draw) of training
 * and validation loss per epoch, and a table of the same numbers (newest last) so exact values
 * can be read off.
 */

import { formatNumber, lossCurvesSvg } from '../../../src/report/index.js';
import type { EpochRow } from '../protocol.js';

/**
 * Draw `rows` into `chart` (an element that receives the SVG) and `table` (a tbody).
 *
 * @example
 * renderLoss(byId('loss-chart'), byId('loss-rows'), rows, 'bce', 460);
 */
export function renderLoss(
  chart: HTMLElement,
  table: HTMLTableSectionElement,
  rows: readonly EpochRow[],
  lossName: string,
  width = 460,
): void {
  // The report's loss view: the same axes, units and series names as `latent train --report`.
  chart.innerHTML = lossCurvesSvg({
    epochs: rows.map((r) => ({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss })),
    lossName,
    width,
    height: 260,
  });
  table.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      const cells = [String(r.epoch), formatNumber(r.loss, 5), r.valLoss === null ? '–' : formatNumber(r.valLoss, 5)];
      if (r.samplesPerSecond > 0) cells.push(`${Math.round(r.samplesPerSecond)}/s`);
      else cells.push('');
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      tr.dataset['loss'] = String(r.loss);
      if (r.valLoss !== null) tr.dataset['valLoss'] = String(r.valLoss);
      return tr;
    }),
  );
}
