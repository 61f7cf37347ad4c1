/**
 * The playground's anomaly-score histogram: the library's shared histogram view (the one the HTML
 * reports draw) at the card's size, without the in-chart title (the card has a heading).
 */

import { histogramSvg as sharedHistogramSvg, type HistogramInput } from '../../../src/report/index.js';

export { binCounts } from '../../../src/report/index.js';

/**
 * SVG markup of the histogram, 460 × 220 unless sized.
 *
 * @example
 * container.innerHTML = histogramSvg({ scores, threshold: 0.02, xLabel: 'reconstruction error per sample (mse)' });
 */
export function histogramSvg(input: HistogramInput): string {
  return sharedHistogramSvg({ width: 460, height: 220, bins: 30, title: 'Anomaly scores', showTitle: false, ...input });
}
