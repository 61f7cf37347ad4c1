/// <reference lib="dom" />
/**
 * The loss view: the library's SVG line chart of train and validation loss per epoch, and a
 * table of the same numbers (newest last) so exact values can be read off.
 */

import { formatNumber, lineChart } from '../../../src/report/index.js';
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
  const hasValidation = rows.some((r) => r.valLoss !== null);
  chart.innerHTML = lineChart({
    title: lossName === '' ? 'Loss' : `Loss (${lossName})`,
    xLabel: 'epoch',
    yLabel: 'loss',
    width,
    height: 260,
    series: [
      { name: 'train', values: rows.map((r) => r.loss), x: rows.map((r) => r.epoch) },
      ...(hasValidation ? [{ name: 'validation', values: rows.map((r) => r.valLoss ?? Number.NaN), x: rows.map((r) => r.epoch) }] : []),
    ],
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
