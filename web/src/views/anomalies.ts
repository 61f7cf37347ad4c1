/// <reference lib="dom" />
/**
 * The anomaly view: the histogram of the shown samples' reconstruction errors with the
 * threshold set on training rows, how many samples it flags, and the highest-scoring samples
 * (with their reconstructions, for images).
 */

import { formatThresholdRule, type ThresholdRule } from '../../../src/tasks/threshold.js';
import { formatNumber, imageGrid } from '../../../src/report/index.js';
import type { Anomalies, WireDataset } from '../protocol.js';
import { drawPixels } from './canvas.js';
import { histogramSvg } from './histogram.js';

export interface AnomalyElements {
  readonly histogram: HTMLElement;
  readonly summary: HTMLElement;
  readonly topImages: HTMLCanvasElement;
  readonly topList: HTMLOListElement;
}

/**
 * Draw `anomalies` of samples from `data`.
 *
 * @example
 * renderAnomalies(elements, views.anomalies, data);
 */
export function renderAnomalies(elements: AnomalyElements, anomalies: Anomalies, data: WireDataset): void {
  const { scores, threshold } = anomalies;
  elements.histogram.innerHTML = histogramSvg({ scores, threshold, xLabel: `reconstruction error per sample (${anomalies.metric})` });
  let flagged = 0;
  for (const s of scores) if (s > threshold) flagged++;
  elements.summary.textContent =
    `${flagged} of ${scores.length} shown samples score above the threshold ` +
    `(threshold: ${describeRule(anomalies.rule)} of the training rows' scores).` +
    (anomalies.rocAuc === null ? '' : `\nROC-AUC of the scores against the 0/1 label: ${anomalies.rocAuc.toFixed(3)}.`);
  elements.topList.replaceChildren(
    ...anomalies.topRows.map((row, i) => {
      const li = document.createElement('li');
      const label = data.labels === null ? '' : `, label ${formatNumber(data.labels[row]!, 4)}`;
      li.textContent = `row ${row}${label}: score ${formatNumber(anomalies.topScores[i]!, 4)}`;
      return li;
    }),
  );
  const shape = data.imageShape;
  if (shape !== null && anomalies.topImages !== null && anomalies.topReconstructions !== null) {
    elements.topImages.hidden = false;
    drawPixels(
      elements.topImages,
      imageGrid(
        [
          { label: 'sample', images: anomalies.topImages },
          { label: 'reconstructed', images: anomalies.topReconstructions },
        ],
        { height: shape[0], width: shape[1], scale: 2, padding: 3 },
      ),
    );
  } else {
    elements.topImages.hidden = true;
  }
}

/** A threshold rule in words, e.g. "the 95th percentile". */
function describeRule(rule: ThresholdRule): string {
  if (rule.kind === 'contamination') return `the ${formatNumber(100 * (1 - rule.fraction), 4)}th percentile`;
  if (rule.kind === 'percentile') return `the ${formatNumber(rule.percentile, 4)}th percentile`;
  return formatThresholdRule(rule);
}
