/**
 * Line charts as self-contained SVG strings (no scripts, no external CSS or fonts), browser-safe.
 * The base of the report's and the playground's curves: loss and learning rate per epoch, ROC and
 * precision–recall curves, error against latent size.
 *
 * Invariants: every piece of user text is escaped; non-finite values (and values <= 0 on a log
 * axis) are gaps in a line, never NaN coordinates; an all-empty chart still draws its axes; text
 * and axes use `currentColor` (see views/svg.ts), so the chart reads on light and dark pages.
 */

import { escapeXml, formatNumber } from './text.js';
import { axisFraction, linearAxis, logAxis, type Axis } from './views/axis.js';
import {
  chartTitle,
  num,
  seriesColor,
  svgOpen,
  textLines,
  textWidthEstimate,
  tickMarkParts,
  valueGridParts,
  wrapText,
} from './views/svg.js';

export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
  /** x coordinate of each value; default 1, 2, 3, ... (epochs or steps). */
  readonly x?: readonly number[];
  /** Stroke colour; default the palette colour of the series' position. */
  readonly color?: string;
  /** Dashed line (references such as a chance diagonal or a baseline). */
  readonly dashed?: boolean;
  /** A dot at every value (few points, e.g. one per latent size). */
  readonly dots?: boolean;
}

/** A vertical line across the plot at `x`, labelled (e.g. the kept epoch). */
export interface ChartMarker {
  readonly x: number;
  readonly label: string;
  readonly color?: string;
}

export interface LineChartOptions {
  readonly series: readonly ChartSeries[];
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Logarithmic y axis (base 10), for losses spanning decades. */
  readonly logY?: boolean;
  /** Logarithmic x axis with a tick at every distinct x (e.g. latent sizes 2, 4, 8, 16). */
  readonly logX?: boolean;
  /** Fixed x range instead of one fitted to the data (e.g. [0, 1] for rates). */
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  readonly markers?: readonly ChartMarker[];
  /** A sentence for screen readers on what the chart shows. */
  readonly description?: string;
  /** Width in pixels (default 640). */
  readonly width?: number;
  /** Height in pixels (default 360). */
  readonly height?: number;
}

/**
 * Draw one or more series as a line chart with axes, ticks, labels and a legend.
 *
 * @example
 * const svg = lineChart({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss', logY: true,
 *   series: [{ name: 'train', values: [0.9, 0.4, 0.2] }, { name: 'validation', values: [1, 0.5, 0.3] }] });
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const plotHeight = options.height ?? 360;
  const logY = options.logY ?? false;
  const logX = options.logX ?? false;
  const points = options.series.map((series) => seriesPoints(series, logX, logY));

  const longestName = Math.max(0, ...options.series.map((s) => s.name.length));
  const sideLegend = options.series.length > 0 ? Math.min(240, 34 + longestName * 7) : 0;
  // A narrow chart keeps its plot wide and lists the series under the x-axis label instead.
  const legendBelow = width - sideLegend < 420 && options.series.length > 0;
  const legendWidth = legendBelow ? 0 : sideLegend;
  const height = legendBelow ? plotHeight + 8 + options.series.length * 18 : plotHeight;
  // Long titles and axis names wrap (a phone-width chart keeps its text size instead of shrinking it).
  const titleLines = wrapText(options.title, width - 16, 15, true).length;
  const right = width - 16 - legendWidth;
  const xLines = wrapText(options.xLabel, right - 64);
  const yLines = wrapText(options.yLabel, plotHeight - 88 - 18 * (titleLines - 1) - 14 * (xLines.length - 1));
  const drawn = points.flat().filter((p): p is [number, number] => p !== null);
  const xs = drawn.map((p) => p[0]).concat((options.markers ?? []).map((m) => m.x));
  const ys = drawn.map((p) => p[1]);
  const xAxis = logX ? logAxisAt(xs) : linearAxis(xs, options.xDomain);
  const yAxis = logY ? logAxis(ys) : linearAxis(ys, options.yDomain);
  // The plot starts right of the y-axis name and the widest tick label.
  const tickWidth = Math.max(0, ...yAxis.ticks.map((tick) => textWidthEstimate(formatNumber(tick, 3))));
  const plot = {
    left: Math.max(64, 24 + 14 * (yLines.length - 1) + tickWidth + 10),
    top: 40 + 18 * (titleLines - 1),
    right,
    bottom: plotHeight - 48 - 14 * (xLines.length - 1),
  };
  const toY = (v: number): number => plot.bottom - axisFraction(yAxis, v) * (plot.bottom - plot.top);
  const toX = (v: number): number => plot.left + axisFraction(xAxis, v) * (plot.right - plot.left);

  const parts: string[] = [];
  parts.push(
    svgOpen({ width, height, title: options.title, className: 'chart line-chart', ...description(options.description) }),
    chartTitle(options.title, (plot.left + plot.right) / 2, width, 22).markup,
  );

  parts.push(...valueGridParts(yAxis.ticks, toY, plot), ...tickMarkParts(xAxis.ticks, toX, plot));
  parts.push(
    `<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" stroke="currentColor" stroke-opacity="0.8"/>`,
    textLines(xLines, (plot.left + plot.right) / 2, plotHeight - 10 - 14 * (xLines.length - 1), 14, 'text-anchor="middle"'),
    textLines(yLines, 0, 0, 14, `transform="translate(16 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle"`),
  );
  if (drawn.length === 0) {
    parts.push(
      `<text x="${(plot.left + plot.right) / 2}" y="${(plot.top + plot.bottom) / 2}" text-anchor="middle" fill-opacity="0.6">no data</text>`,
    );
  }

  for (const marker of options.markers ?? []) {
    const x = num(toX(marker.x));
    const color = marker.color ?? 'currentColor';
    const anchor = toX(marker.x) > plot.right - 80 ? 'end' : 'start';
    const dx = anchor === 'end' ? -4 : 4;
    parts.push(
      `<g class="marker">`,
      `<line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="${color}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      `<text x="${num(toX(marker.x) + dx)}" y="${plot.top + 12}" text-anchor="${anchor}" fill="${color}">${escapeXml(marker.label)}</text>`,
      '</g>',
    );
  }

  points.forEach((drawable, index) => {
    const series = options.series[index]!;
    const color = series.color ?? seriesColor(index);
    const name = escapeXml(series.name);
    const segments = splitAtGaps(drawable);
    const d = segments
      .filter((segment) => segment.length > 1)
      .map((segment) => segment.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(toX(x))} ${num(toY(y))}`).join(''))
      .join('');
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : '';
    const marks: string[] = [];
    if (d !== '') marks.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dash}/>`);
    const dotted = series.dots === true ? segments.flat() : segments.filter((s) => s.length === 1).flat();
    for (const [x, y] of dotted) marks.push(`<circle cx="${num(toX(x))}" cy="${num(toY(y))}" r="3" fill="${color}"/>`);
    parts.push(`<g data-series="${name}">`, ...marks, '</g>');

    const legendY = legendBelow ? plotHeight + 6 + index * 18 : plot.top + 8 + index * 18;
    const legendX = legendBelow ? plot.left : plot.right + 16;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 18}" y2="${legendY}" stroke="${color}" stroke-width="3"${dash}/>`,
      `<text x="${legendX + 24}" y="${legendY}" dominant-baseline="middle">${name}</text>`,
    );
  });

  parts.push('</svg>');
  return parts.join('\n');
}

function description(text: string | undefined): { description?: string } {
  return text === undefined ? {} : { description: text };
}

/** A log10 x axis whose ticks are the distinct x values themselves (few, chosen by the user). */
function logAxisAt(xs: readonly number[]): Axis {
  const positive = [...new Set(xs.filter((x) => x > 0))].sort((a, b) => a - b);
  if (positive.length === 0) return logAxis([]);
  const lo = Math.log10(positive[0]!);
  const hi = Math.log10(positive[positive.length - 1]!);
  const pad = hi > lo ? (hi - lo) * 0.06 : 0.3;
  const ticks = positive.length <= 12 ? positive : logAxis(positive).ticks;
  return { min: lo - pad, max: hi + pad, ticks, log: true };
}

/** Points of one series; `null` marks a gap (a value that cannot be drawn). */
function seriesPoints(series: ChartSeries, logX: boolean, logY: boolean): Array<[number, number] | null> {
  return series.values.map((value, i) => {
    const x = series.x?.[i] ?? i + 1;
    const drawable = Number.isFinite(value) && Number.isFinite(x) && (!logY || value > 0) && (!logX || x > 0);
    return drawable ? [x, value] : null;
  });
}

function splitAtGaps(points: Array<[number, number] | null>): Array<Array<[number, number]>> {
  const segments: Array<Array<[number, number]>> = [[]];
  for (const point of points) {
    if (point === null) segments.push([]);
    else segments[segments.length - 1]!.push(point);
  }
  return segments.filter((segment) => segment.length > 0);
}
