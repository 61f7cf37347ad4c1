/// <reference lib="dom" />
/**
 * The anomaly view: the histogram of the shown samples' reconstruction errors with the threshold
 * the chosen rule places on the training rows' scores, how many samples it flags, and the
 * highest-scoring samples (with their reconstructions, for images, drawn by the report's
 * image-rows view with the row names as text beside the canvas), flagged ones framed in red.
 * Everything here follows from the scores the worker sent and the rule: changing the rule
 * redraws without asking the model anything.
 */

import type { ThresholdRule } from '../../../src/tasks/threshold.js';
import { ALARM_COLOR, escapeXml, formatNumber, imageRowsMarkup, imageRowsView, type CellLayout } from '../../../src/report/index.js';
import type { Anomalies, WireDataset } from '../protocol.js';
import { SCORE_EVERY } from '../scoring-schedule.js';
import { describeRule, flagScores } from '../threshold-choice.js';
import { drawPixels } from './canvas.js';
import { histogramSvg } from './histogram.js';

export interface AnomalyElements {
  readonly histogram: HTMLElement;
  readonly summary: HTMLElement;
  /** Where the top samples' images go (hidden for data that are not images). */
  readonly topFigure: HTMLElement;
  readonly topList: HTMLOListElement;
  /** Width of the histogram in CSS pixels. */
  readonly width: number;
}

/**
 * Draw `anomalies` of samples from `data` with the threshold of `rule`; `latestEpoch` is the
 * epoch the model is at now (null for an opened model), to say when the scores are older.
 * Throws the library's error when the rule cannot be applied (e.g. NaN training scores).
 *
 * @example
 * renderAnomalies(elements, views.anomalies, data, { kind: 'std', k: 3 }, 7);
 */
export function renderAnomalies(
  elements: AnomalyElements,
  anomalies: Anomalies,
  data: WireDataset,
  rule: ThresholdRule,
  latestEpoch: number | null,
): void {
  const { scores } = anomalies;
  const { threshold, flagged } = flagScores(rule, anomalies.trainScores, scores);
  elements.histogram.innerHTML = histogramSvg({
    scores,
    threshold,
    xLabel: `reconstruction error per sample (${anomalies.metric})`,
    width: elements.width,
  });
  elements.summary.dataset['flagged'] = String(flagged);
  elements.summary.dataset['threshold'] = String(threshold);
  elements.summary.textContent =
    `${flagged} of ${scores.length} shown samples score above the threshold ${formatNumber(threshold, 4)}: ` +
    `${describeRule(rule)} of ${anomalies.trainScores.length} training rows' scores.\n` +
    scoredWhen(anomalies.epoch, latestEpoch) +
    (anomalies.rocAuc === null ? '' : `\nROC-AUC of the scores against the 0/1 label: ${anomalies.rocAuc.toFixed(3)}.`);
  const above = anomalies.topScores.map((s) => s > threshold);
  elements.topList.replaceChildren(
    ...anomalies.topRows.map((row, i) => {
      const li = document.createElement('li');
      const label = data.labels === null ? '' : `, label ${formatNumber(data.labels[row]!, 4)}`;
      li.textContent = `row ${row}${label}: score ${formatNumber(anomalies.topScores[i]!, 4)}${above[i] ? ' (flagged)' : ''}`;
      li.classList.toggle('flagged', above[i]);
      return li;
    }),
  );
  const shape = data.imageShape;
  if (shape !== null && anomalies.topImages !== null && anomalies.topReconstructions !== null) {
    const view = imageRowsView(
      [
        { label: 'sample', images: anomalies.topImages },
        { label: 'reconstructed', images: anomalies.topReconstructions },
      ],
      { height: shape[0], width: shape[1] },
      { scale: 2, padding: 3 },
    );
    const flaggedShown = above.filter(Boolean).length;
    const alt =
      `The ${anomalies.topRows.length} highest-scoring samples (rows ${anomalies.topRows.join(', ')}) ` +
      `above their reconstructions; ${flaggedShown} of them score above the threshold and are framed in red.`;
    elements.topFigure.innerHTML = imageRowsMarkup(view, `<canvas id="top-anomalies" role="img" aria-label="${escapeXml(alt)}"></canvas>`);
    const canvas = elements.topFigure.querySelector('canvas')!;
    drawPixels(canvas, view.grid);
    frameFlagged(canvas, above, view.cells);
    elements.topFigure.hidden = false;
  } else {
    elements.topFigure.replaceChildren();
    elements.topFigure.hidden = true;
  }
}

/** Which model the scores come from, and how often they are refreshed. */
function scoredWhen(epoch: number | null, latestEpoch: number | null): string {
  if (epoch === null) return 'Scored by the opened model.';
  const refresh = `scores are refreshed after epoch 1, every ${SCORE_EVERY} epochs and after the last`;
  return latestEpoch !== null && latestEpoch > epoch
    ? `Scores from epoch ${epoch} (the model is at epoch ${latestEpoch}; ${refresh}).`
    : `Scores from epoch ${epoch} (${refresh}).`;
}

/** A red frame around each flagged column (sample above its reconstruction). */
function frameFlagged(canvas: HTMLCanvasElement, above: readonly boolean[], cells: CellLayout): void {
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.strokeStyle = ALARM_COLOR;
  context.lineWidth = 2;
  above.forEach((flag, i) => {
    if (!flag) return;
    const x = cells.left + i * (cells.cellWidth + cells.gap);
    context.strokeRect(x - 1, cells.top - 1, cells.cellWidth + 2, 2 * cells.cellHeight + cells.gap + 2);
  });
}
