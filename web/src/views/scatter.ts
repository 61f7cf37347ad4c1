/**
 * The latent view: one dot per shown sample at its 2-D position (the first two latent
 * dimensions, or the first two principal components of the codes when the latent space is
 * wider), coloured by label, as a self-contained SVG string.
 *
 * Invariant: exactly one `<circle class="point">` per sample, in sample order, so a dot can be
 * traced back to its row.
 */

import { escapeXml, formatNumber } from '../../../src/report/index.js';
import { labelColor } from './palette.js';

export interface ScatterInput {
  /** n × 2 positions. */
  readonly points: Float32Array;
  readonly labels: Float32Array | null;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 48, right: 90, top: 14, bottom: 40 };

/**
 * SVG markup of the scatter plot.
 *
 * @example
 * container.innerHTML = scatterSvg({ points, labels, xLabel: 'PC 1', yLabel: 'PC 2' });
 */
export function scatterSvg(input: ScatterInput): string {
  const width = input.width ?? 460;
  const height = input.height ?? 340;
  const n = input.points.length / 2;
  const [x0, x1] = extent(input.points, 0);
  const [y0, y1] = extent(input.points, 1);
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const sx = (v: number): number => plot.left + ((v - x0) / (x1 - x0)) * (plot.right - plot.left);
  const sy = (v: number): number => plot.bottom - ((v - y0) / (y1 - y0)) * (plot.bottom - plot.top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="latent codes" font-size="11" font-family="system-ui, sans-serif">`,
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="#fafafa" stroke="#999"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(input.xLabel)}</text>`,
    `<text transform="translate(14 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(input.yLabel)}</text>`,
    `<text x="${plot.left}" y="${plot.bottom + 14}" fill="#555">${formatNumber(x0, 3)}</text>`,
    `<text x="${plot.right}" y="${plot.bottom + 14}" text-anchor="end" fill="#555">${formatNumber(x1, 3)}</text>`,
    `<text x="${plot.left - 4}" y="${plot.bottom}" text-anchor="end" fill="#555">${formatNumber(y0, 3)}</text>`,
    `<text x="${plot.left - 4}" y="${plot.top + 10}" text-anchor="end" fill="#555">${formatNumber(y1, 3)}</text>`,
  ];
  for (let i = 0; i < n; i++) {
    const label = input.labels?.[i];
    parts.push(
      `<circle class="point" cx="${round(sx(input.points[2 * i]!))}" cy="${round(sy(input.points[2 * i + 1]!))}" r="2.6" fill="${labelColor(label)}" fill-opacity="0.75"/>`,
    );
  }
  legend(input.labels).forEach((label, i) => {
    const y = plot.top + 10 + i * 16;
    parts.push(
      `<circle cx="${plot.right + 16}" cy="${y}" r="5" fill="${labelColor(label)}"/>`,
      `<text x="${plot.right + 26}" y="${y + 4}">${escapeXml(formatNumber(label, 4))}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Distinct labels to list, at most ten (more would repeat colours). */
function legend(labels: Float32Array | null): number[] {
  if (labels === null) return [];
  const distinct = [...new Set(labels)].sort((a, b) => a - b);
  return distinct.length <= 10 ? distinct : [];
}

/** [min, max] of every other value starting at `offset`, widened when all are equal. */
function extent(points: Float32Array, offset: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset; i < points.length; i += 2) {
    const v = points[i]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo < hi)) return lo === Infinity ? [0, 1] : [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 10) / 10 : -10;
}
