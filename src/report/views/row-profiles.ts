/**
 * Original against reconstructed values for a few rows (the worst-rebuilt ones), as small
 * multiples: one panel per row, features along the x axis, the original as dots and the
 * reconstruction as a line, so the features a row is rebuilt badly on stand out. DOM-free SVG.
 *
 * Invariant: one `<g class="row-profile">` per row given, in order; values are in the units the
 * caller passes (the report uses the model's scaled units, where features are comparable).
 */

import { escapeXml, formatNumber } from '../text.js';
import { extent } from './axis.js';
import { chartTitle, num, seriesColor, svgOpen } from './svg.js';

export interface RowProfile {
  /** The panel's heading, e.g. "row 412 (error 0.93)". */
  readonly label: string;
  readonly original: ArrayLike<number>;
  readonly reconstruction: ArrayLike<number>;
}

export interface RowProfilesInput {
  readonly title: string;
  readonly rows: readonly RowProfile[];
  /** Feature names, for the x-axis ends. */
  readonly features: readonly string[];
  /** What a value is, with its unit. */
  readonly valueLabel: string;
  readonly width?: number;
}

const PANEL_HEIGHT = 92;
const PANEL_GAP = 30;

/**
 * SVG markup of the small multiples.
 *
 * @example
 * rowProfilesSvg({ title: 'Worst rows', rows: [{ label: 'row 3', original, reconstruction }], features, valueLabel: 'standardised value' });
 */
export function rowProfilesSvg(input: RowProfilesInput): string {
  const width = input.width ?? 480;
  const plot = { left: 56, right: width - 16 };
  // A narrow chart (a phone's) gives the value's name its own line under the legend.
  const stacked = width < 420;
  const heading = chartTitle(input.title, width / 2, width, 20);
  const shift = 18 * (heading.lines - 1);
  const top = (stacked ? 74 : 58) + shift;
  const height = top + input.rows.length * (PANEL_HEIGHT + PANEL_GAP) + 8;
  const d = input.features.length;
  const sx = (i: number): number => plot.left + (d <= 1 ? 0.5 : i / (d - 1)) * (plot.right - plot.left);
  const original = seriesColor(7);
  const rebuilt = seriesColor(1);
  const parts = [
    svgOpen({
      width,
      height,
      title: input.title,
      className: 'chart row-profiles',
      description: `For each of ${input.rows.length} rows, its ${d} feature values (dots) and the model's reconstruction of them (line).`,
    }),
    heading.markup,
    `<circle cx="${plot.left + 6}" cy="${40 + shift}" r="3.5" fill="${original}"/>`,
    `<text x="${plot.left + 16}" y="${40 + shift}" dominant-baseline="middle">original</text>`,
    `<line x1="${plot.left + 90}" y1="${40 + shift}" x2="${plot.left + 110}" y2="${40 + shift}" stroke="${rebuilt}" stroke-width="2.5"/>`,
    `<text x="${plot.left + 116}" y="${40 + shift}" dominant-baseline="middle">reconstruction</text>`,
    stacked
      ? `<text x="${plot.left}" y="${58 + shift}" dominant-baseline="middle" fill-opacity="0.8">${escapeXml(input.valueLabel)}</text>`
      : `<text x="${plot.right}" y="${40 + shift}" text-anchor="end" dominant-baseline="middle" fill-opacity="0.8">${escapeXml(input.valueLabel)}</text>`,
  ];
  input.rows.forEach((row, r) => {
    const y0 = top + r * (PANEL_HEIGHT + PANEL_GAP) + 18;
    const y1 = y0 + PANEL_HEIGHT - 18;
    const [lo0, hi0] = extent([...Array.from(row.original), ...Array.from(row.reconstruction)].filter(Number.isFinite));
    const [lo, hi] = lo0 < hi0 ? [lo0, hi0] : [lo0 - 1, lo0 + 1];
    const sy = (v: number): number => y1 - ((v - lo) / (hi - lo)) * (y1 - y0);
    const line = Array.from(row.reconstruction, (v, i) => `${i === 0 ? 'M' : 'L'}${num(sx(i))} ${num(sy(v))}`).join('');
    parts.push(
      '<g class="row-profile">',
      `<text x="${plot.left}" y="${y0 - 6}" font-weight="600">${escapeXml(row.label)}</text>`,
      `<rect x="${plot.left}" y="${y0}" width="${plot.right - plot.left}" height="${y1 - y0}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>`,
      `<text x="${plot.left - 6}" y="${y0 + 4}" text-anchor="end" dominant-baseline="middle" fill-opacity="0.8">${escapeXml(formatNumber(hi, 3))}</text>`,
      `<text x="${plot.left - 6}" y="${y1 - 4}" text-anchor="end" dominant-baseline="middle" fill-opacity="0.8">${escapeXml(formatNumber(lo, 3))}</text>`,
      `<path d="${line}" fill="none" stroke="${rebuilt}" stroke-width="1.8" stroke-linejoin="round"/>`,
      ...Array.from(row.original, (v, i) => `<circle cx="${num(sx(i))}" cy="${num(sy(v))}" r="${d > 80 ? 1.4 : 2.6}" fill="${original}"/>`),
      `<text x="${plot.left}" y="${y1 + 13}" font-size="11" fill-opacity="0.8">${escapeXml(input.features[0] ?? '')}</text>`,
      `<text x="${plot.right}" y="${y1 + 13}" text-anchor="end" font-size="11" fill-opacity="0.8">${escapeXml(input.features[d - 1] ?? '')}</text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
