/**
 * Line charts as self-contained SVG strings (no scripts, no external CSS or fonts), browser-safe.
 * Used for loss curves and metric histories in training reports.
 *
 * Invariants: every piece of user text is escaped; non-finite values (and values <= 0 on a log
 * axis) are gaps in a line, never NaN coordinates; an all-empty chart still draws its axes.
 */

import { escapeXml, formatNumber } from './text.js';

export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
  /** x coordinate of each value; default 1, 2, 3, ... (epochs or steps). */
  readonly x?: readonly number[];
}

export interface LineChartOptions {
  readonly series: readonly ChartSeries[];
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Logarithmic y axis (base 10), for losses spanning decades. */
  readonly logY?: boolean;
  /** Width in pixels (default 640). */
  readonly width?: number;
  /** Height in pixels (default 360). */
  readonly height?: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly ticks: number[];
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
  const height = options.height ?? 360;
  const logY = options.logY ?? false;
  const points = options.series.map((series) => seriesPoints(series, logY));

  const longestName = Math.max(0, ...options.series.map((s) => s.name.length));
  const legendWidth = options.series.length > 0 ? Math.min(200, 34 + longestName * 7) : 0;
  const plot = { left: 64, top: 40, right: width - 16 - legendWidth, bottom: height - 48 };

  const drawn = points.flat().filter((p): p is [number, number] => p !== null);
  const xs = drawn.map((p) => p[0]);
  const ys = drawn.map((p) => p[1]);
  const xAxis = linearAxis(xs);
  const yAxis = logY ? logAxis(ys) : linearAxis(ys);
  const toY = (v: number): number => {
    const t = logY ? (Math.log10(v) - yAxis.min) / (yAxis.max - yAxis.min) : (v - yAxis.min) / (yAxis.max - yAxis.min);
    return plot.bottom - t * (plot.bottom - plot.top);
  };
  const toX = (v: number): number => plot.left + ((v - xAxis.min) / (xAxis.max - xAxis.min)) * (plot.right - plot.left);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}" ${FONT} font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`,
  );

  for (const tick of yAxis.ticks) {
    const y = num(toY(tick));
    parts.push(
      `<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${plot.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${escapeXml(formatNumber(tick, 3))}</text>`,
    );
  }
  for (const tick of xAxis.ticks) {
    const x = num(toX(tick));
    parts.push(
      `<line x1="${x}" y1="${plot.bottom}" x2="${x}" y2="${plot.bottom + 5}" stroke="#444"/>`,
      `<text x="${x}" y="${plot.bottom + 18}" text-anchor="middle" fill="#444">${escapeXml(formatNumber(tick, 3))}</text>`,
    );
  }
  parts.push(
    `<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" stroke="#444"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  if (xs.length === 0) {
    parts.push(
      `<text x="${(plot.left + plot.right) / 2}" y="${(plot.top + plot.bottom) / 2}" text-anchor="middle" fill="#888">no data</text>`,
    );
  }

  points.forEach((drawable, index) => {
    const color = PALETTE[index % PALETTE.length];
    const name = escapeXml(options.series[index].name);
    const segments = splitAtGaps(drawable);
    const d = segments
      .filter((segment) => segment.length > 1)
      .map((segment) => segment.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(toX(x))} ${num(toY(y))}`).join(''))
      .join('');
    const marks: string[] = [];
    if (d !== '') marks.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    for (const segment of segments.filter((s) => s.length === 1)) {
      marks.push(`<circle cx="${num(toX(segment[0][0]))}" cy="${num(toY(segment[0][1]))}" r="3" fill="${color}"/>`);
    }
    parts.push(`<g data-series="${name}">`, ...marks, '</g>');

    const legendY = plot.top + 8 + index * 18;
    const legendX = plot.right + 16;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 18}" y2="${legendY}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${legendX + 24}" y="${legendY}" dominant-baseline="middle">${name}</text>`,
    );
  });

  parts.push('</svg>');
  return parts.join('\n');
}

/** Points of one series; `null` marks a gap (a value that cannot be drawn). */
function seriesPoints(series: ChartSeries, logY: boolean): Array<[number, number] | null> {
  return series.values.map((value, i) => {
    const x = series.x?.[i] ?? i + 1;
    const drawable = Number.isFinite(value) && Number.isFinite(x) && (!logY || value > 0);
    return drawable ? [x, value] : null;
  });
}

function splitAtGaps(points: Array<[number, number] | null>): Array<Array<[number, number]>> {
  const segments: Array<Array<[number, number]>> = [[]];
  for (const point of points) {
    if (point === null) segments.push([]);
    else segments[segments.length - 1].push(point);
  }
  return segments.filter((segment) => segment.length > 0);
}

/** A linear axis with about five "nice" ticks (1, 2 or 5 × 10^k apart) covering the values. */
function linearAxis(values: readonly number[]): Axis {
  let [lo, hi] = values.length > 0 ? extent(values) : [0, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / 5);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(Number((min + i * step).toPrecision(12)));
  return { min, max, ticks };
}

/** A log10 axis from the decade below the smallest value to the decade above the largest; `min`/`max` are exponents. */
function logAxis(values: readonly number[]): Axis {
  const [lo, hi] = values.length > 0 ? extent(values) : [1, 10];
  let min = Math.floor(Math.log10(lo));
  let max = Math.ceil(Math.log10(hi));
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const every = Math.max(1, Math.ceil((max - min) / 8));
  // Within one or two decades, powers of ten alone are too sparse to read values off.
  const mantissas = max - min <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = min; e <= max; e += every) {
    for (const m of mantissas) if (e < max || m === 1) ticks.push(Number(`${m}e${e}`));
  }
  return { min, max, ticks };
}

/** [min, max] without spreading into Math.min, which overflows the stack on long histories. */
function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}
