/**
 * A histogram of anomaly scores as an SVG string, with the threshold drawn as a vertical line;
 * bars above the threshold are drawn in the alarm colour.
 *
 * Invariant: the bins cover every finite score and the threshold, so the line is always inside.
 */

import { escapeXml, formatNumber } from '../../../src/report/index.js';

export interface HistogramInput {
  readonly scores: Float32Array;
  readonly threshold: number;
  readonly xLabel: string;
  readonly bins?: number;
  readonly width?: number;
  readonly height?: number;
}

/** Counts of `scores` in `bins` equal bins over [lo, hi]. */
export function binCounts(scores: ArrayLike<number>, lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!Number.isFinite(v)) continue;
    const b = width > 0 ? Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width))) : 0;
    counts[b]!++;
  }
  return counts;
}

/**
 * SVG markup of the histogram.
 *
 * @example
 * element.innerHTML = histogramSvg({ scores, threshold: 0.12, xLabel: 'reconstruction error (bce)' });
 */
export function histogramSvg(input: HistogramInput): string {
  const width = input.width ?? 460;
  const height = input.height ?? 220;
  const bins = input.bins ?? 30;
  let lo = input.threshold;
  let hi = input.threshold;
  for (const v of input.scores) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  hi += (hi - lo) * 1e-6;
  const counts = binCounts(input.scores, lo, hi, bins);
  const top = Math.max(1, ...counts);
  const plot = { left: 40, right: width - 12, top: 24, bottom: height - 36 };
  const sx = (v: number): number => plot.left + ((v - lo) / (hi - lo)) * (plot.right - plot.left);
  const barWidth = (plot.right - plot.left) / bins;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="anomaly scores" font-size="11" font-family="system-ui, sans-serif">`,
    `<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" stroke="#444"/>`,
    `<text x="${plot.left - 4}" y="${plot.top + 4}" text-anchor="end" fill="#555">${top}</text>`,
    `<text x="${plot.left - 4}" y="${plot.bottom}" text-anchor="end" fill="#555">0</text>`,
    `<text x="${plot.left}" y="${plot.bottom + 14}" fill="#555">${formatNumber(lo, 3)}</text>`,
    `<text x="${plot.right}" y="${plot.bottom + 14}" text-anchor="end" fill="#555">${formatNumber(hi, 3)}</text>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(input.xLabel)}</text>`,
  ];
  counts.forEach((count, b) => {
    if (count === 0) return;
    const x = plot.left + b * barWidth;
    const h = (count / top) * (plot.bottom - plot.top);
    const above = lo + (b + 0.5) * ((hi - lo) / bins) > input.threshold;
    parts.push(
      `<rect class="bar" x="${x.toFixed(1)}" y="${(plot.bottom - h).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${above ? '#d62728' : '#4a6fa5'}"><title>${count}</title></rect>`,
    );
  });
  const x = sx(input.threshold);
  const tx = x.toFixed(1);
  // Keep the label inside the plot when the line is near either end.
  const anchor = x > plot.right - 60 ? 'end' : x < plot.left + 60 ? 'start' : 'middle';
  parts.push(
    `<line class="threshold" x1="${tx}" y1="${plot.top - 6}" x2="${tx}" y2="${plot.bottom}" stroke="#d62728" stroke-width="2" stroke-dasharray="4 3"/>`,
    `<text x="${tx}" y="${plot.top - 10}" text-anchor="${anchor}" fill="#d62728">threshold ${escapeXml(formatNumber(input.threshold, 3))}</text>`,
    '</svg>',
  );
  return parts.join('');
}
