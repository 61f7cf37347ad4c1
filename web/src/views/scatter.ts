/**
 * The playground's latent scatter: the library's shared scatter view (the one the HTML reports
 * draw), without the in-chart title (the card has a heading).
 *
 * Invariant (from the shared view): exactly one `<circle class="point">` per sample, in order.
 */

import { scatterSvg as sharedScatterSvg, type ScatterInput } from '../../../src/report/index.js';

export type { ScatterInput } from '../../../src/report/index.js';

/**
 * SVG markup of the scatter plot.
 *
 * @example
 * container.innerHTML = scatterSvg({ points, labels, xLabel: 'PC 1', yLabel: 'PC 2' });
 */
export function scatterSvg(input: ScatterInput): string {
  return sharedScatterSvg({ title: 'Latent codes', showTitle: false, ...input });
}
