/**
 * Horizontal bar charts, one row per category, one bar per series (e.g. per-feature
 * reconstruction error of the autoencoder beside PCA's). A DOM-free SVG string; the height grows
 * with the rows so long names stay readable. A narrow chart (a phone's) writes each name above its
 * bars instead of beside them, so the bars keep the width.
 *
 * Invariant: one `<rect class="bar">` per drawn (category, series) pair with a finite value;
 * categories come out in the order given (callers sort).
 */

import { escapeXml, formatNumber } from '../text.js';
import { linearAxis } from './axis.js';
import { chartTitle, num, seriesColor, svgOpen } from './svg.js';

export interface BarSeries {
  readonly name: string;
  /** One value per category; non-finite values draw no bar. */
  readonly values: readonly number[];
  readonly color?: string;
}

export interface BarChartInput {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  /** What the bar length measures, with its unit. */
  readonly valueLabel: string;
  readonly description?: string;
  readonly width?: number;
}

const ROW_GAP = 6;
const BAR_HEIGHT = 12;

/**
 * SVG markup of the bar chart.
 *
 * @example
 * barChartSvg({ title: 'Error per feature', categories: ['age', 'income'], series: [{ name: 'autoencoder', values: [0.1, 0.7] }], valueLabel: 'MSE' });
 */
export function barChartSvg(input: BarChartInput): string {
  const width = input.width ?? 480;
  const stacked = width < 420;
  const nameHeight = stacked ? 16 : 0;
  const groupHeight = nameHeight + Math.max(1, input.series.length) * BAR_HEIGHT + ROW_GAP;
  const longest = Math.max(4, ...input.categories.map((c) => c.length));
  const labelWidth = stacked ? 16 : Math.min(200, 12 + longest * 6.6);
  const legendHeight = input.series.length > 1 ? 20 : 0;
  const heading = chartTitle(input.title, width / 2, width, 20);
  const plot = { left: labelWidth, right: width - 24, top: 36 + 18 * (heading.lines - 1) + legendHeight, bottom: 0 };
  const height = plot.top + input.categories.length * groupHeight + 48;
  plot.bottom = height - 40;
  const values = input.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const axis = linearAxis([0, ...values], undefined, 5);
  const sx = (v: number): number => plot.left + ((v - axis.min) / (axis.max - axis.min)) * (plot.right - plot.left);
  const parts = [
    svgOpen({
      width,
      height,
      title: input.title,
      className: 'chart bars',
      ...(input.description ? { description: input.description } : {}),
    }),
    heading.markup,
  ];
  input.series.forEach((s, i) => {
    if (input.series.length < 2) return;
    const x = plot.left + i * 170;
    parts.push(
      `<rect x="${x}" y="${plot.top - legendHeight - 4}" width="12" height="12" fill="${s.color ?? seriesColor(i)}"/>`,
      `<text x="${x + 18}" y="${plot.top - legendHeight + 2}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
  });
  for (const tick of axis.ticks) {
    const x = num(sx(tick));
    parts.push(
      `<line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="currentColor" stroke-opacity="0.14"/>`,
      `<text x="${x}" y="${plot.bottom + 16}" text-anchor="middle" fill-opacity="0.8">${escapeXml(formatNumber(tick, 3))}</text>`,
    );
  }
  input.categories.forEach((category, row) => {
    const top = plot.top + row * groupHeight + ROW_GAP / 2;
    parts.push(
      stacked
        ? `<text x="${plot.left}" y="${num(top + 11)}">${escapeXml(clip(category, 44))}</text>`
        : `<text x="${plot.left - 6}" y="${num(top + (groupHeight - ROW_GAP) / 2)}" text-anchor="end" dominant-baseline="middle">${escapeXml(clip(category, 30))}</text>`,
    );
    input.series.forEach((s, i) => {
      const v = s.values[row];
      if (v === undefined || !Number.isFinite(v)) return;
      const y = top + nameHeight + i * BAR_HEIGHT;
      parts.push(
        `<rect class="bar" x="${num(sx(Math.min(0, v)))}" y="${num(y)}" width="${num(Math.abs(sx(v) - sx(0)))}" height="${BAR_HEIGHT - 1}" fill="${s.color ?? seriesColor(i)}"><title>${escapeXml(`${category}, ${s.name}: ${formatNumber(v, 4)}`)}</title></rect>`,
      );
    });
  });
  parts.push(
    `<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" stroke="currentColor" stroke-opacity="0.8"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(input.valueLabel)}</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
