/**
 * The latent space: one dot per row at its 2-D position (the first two latent dimensions, or two
 * principal components of the codes when the latent space is wider; see `projectCodes`),
 * coloured by label, as a DOM-free SVG string shared by the report and the playground.
 *
 * Invariant: exactly one `<circle class="point">` per row, in row order, so a dot can be traced
 * back to its row; the legend lists at most ten distinct labels (more would repeat colours). A
 * narrow chart (a phone's) puts the legend under the plot so the plot keeps its width.
 */

import type { Matrix } from '../../data/matrix.js';
import { Pca } from '../../tasks/pca.js';
import { escapeXml, formatNumber } from '../text.js';
import { linearAxis } from './axis.js';
import { chartTitle, labelColor, num, svgOpen, textWidthEstimate } from './svg.js';

export interface ScatterInput {
  /** n × 2 positions, interleaved x, y. */
  readonly points: Float32Array;
  /** One label per point (class numbers), or null. */
  readonly labels: Float32Array | null;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly title?: string;
  /** Draw the title above the plot (default true); without, it still names the SVG for screen readers. */
  readonly showTitle?: boolean;
  /** Words for label values in the legend, e.g. { 0: 'normal', 1: 'anomaly' }. */
  readonly labelNames?: Readonly<Record<number, string>>;
  readonly width?: number;
  readonly height?: number;
}

/** 2-D positions of codes and how they were obtained. */
export interface Projection {
  readonly points: Float32Array;
  /** `latent`: the first two code dimensions; `pca`: the first two principal components of the codes. */
  readonly projection: 'latent' | 'pca';
  /** Share of the codes' variance the two components hold (PCA only). */
  readonly explained: number | null;
}

const MARGIN = { left: 56, right: 110, top: 36, bottom: 46 };
/** Charts narrower than this list the labels under the plot. */
const NARROW = 420;

/**
 * First two latent dimensions (a single one is drawn against 0), or the first two principal
 * components of the codes when there are more than two.
 *
 * @example
 * const { points, projection } = projectCodes(model.encode(rows));
 */
export function projectCodes(codes: Matrix): Projection {
  const points = new Float32Array(codes.rows * 2);
  if (codes.cols <= 2 || codes.rows < 3) {
    for (let i = 0; i < codes.rows; i++) {
      points[2 * i] = codes.data[i * codes.cols]!;
      points[2 * i + 1] = codes.cols > 1 ? codes.data[i * codes.cols + 1]! : 0;
    }
    return { points, projection: 'latent', explained: null };
  }
  const pca = new Pca({ nComponents: 2 }).fit(codes);
  points.set(pca.transform(codes).data);
  const ratio = pca.explainedVarianceRatio;
  return { points, projection: 'pca', explained: ratio[0]! + ratio[1]! };
}

/**
 * SVG markup of the scatter plot.
 *
 * @example
 * container.innerHTML = scatterSvg({ points, labels, xLabel: 'principal component 1', yLabel: 'principal component 2' });
 */
export function scatterSvg(input: ScatterInput): string {
  const width = input.width ?? 460;
  const height = input.height ?? 360;
  const n = Math.floor(input.points.length / 2);
  const xAxis = linearAxis(range(input.points, 0), undefined, 4);
  const yAxis = linearAxis(range(input.points, 1), undefined, 4);
  const showTitle = input.showTitle ?? true;
  const shown = legend(input.labels);
  const below = shown.length > 0 && width < NARROW;
  const right = shown.length === 0 ? width - 16 : below ? width - 16 : width - MARGIN.right;
  const title = input.title ?? 'Latent codes';
  const heading = chartTitle(title, (MARGIN.left + right) / 2, width, 20);
  const plot = { left: MARGIN.left, right, top: showTitle ? MARGIN.top + 18 * (heading.lines - 1) : 14, bottom: height - MARGIN.bottom };
  const legendItems = below
    ? flowLegend(
        shown.map((l) => labelName(input, l)),
        plot.left,
        width - 8,
      )
    : [];
  const fullHeight = below ? height + 6 + (Math.max(0, ...legendItems.map((item) => item.line)) + 1) * 18 : height;
  const sx = (v: number): number => plot.left + ((v - xAxis.min) / (xAxis.max - xAxis.min)) * (plot.right - plot.left);
  const sy = (v: number): number => plot.bottom - ((v - yAxis.min) / (yAxis.max - yAxis.min)) * (plot.bottom - plot.top);
  const parts = [
    svgOpen({
      width,
      height: fullHeight,
      title,
      className: 'chart scatter',
      description:
        `${n} rows placed by ${input.xLabel} (across) and ${input.yLabel} (up)` +
        (shown.length > 0 ? `, coloured by label (${shown.map((l) => labelName(input, l)).join(', ')}).` : '.'),
    }),
    showTitle ? heading.markup : '',
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="currentColor" stroke-opacity="0.5"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(input.xLabel)}</text>`,
    `<text transform="translate(14 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(input.yLabel)}</text>`,
  ];
  for (const tick of xAxis.ticks) {
    parts.push(
      `<text x="${num(sx(tick))}" y="${plot.bottom + 16}" text-anchor="middle" fill-opacity="0.8">${escapeXml(formatNumber(tick, 3))}</text>`,
    );
  }
  for (const tick of yAxis.ticks) {
    parts.push(
      `<text x="${plot.left - 6}" y="${num(sy(tick))}" text-anchor="end" dominant-baseline="middle" fill-opacity="0.8">${escapeXml(formatNumber(tick, 3))}</text>`,
    );
  }
  for (let i = 0; i < n; i++) {
    const label = input.labels?.[i];
    parts.push(
      `<circle class="point" cx="${num(sx(input.points[2 * i]!))}" cy="${num(sy(input.points[2 * i + 1]!))}" r="2.6" fill="${labelColor(label)}" fill-opacity="0.75"/>`,
    );
  }
  shown.forEach((label, i) => {
    const item = legendItems[i];
    const x = item === undefined ? plot.right + 16 : item.x + 5;
    const y = item === undefined ? plot.top + 10 + i * 18 : height + 6 + item.line * 18;
    parts.push(
      `<circle cx="${x}" cy="${y}" r="5" fill="${labelColor(label)}"/>`,
      `<text x="${x + 10}" y="${y}" dominant-baseline="middle">${escapeXml(labelName(input, label))}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Legend entries left to right, wrapping onto new lines at `right`. */
function flowLegend(names: readonly string[], left: number, right: number): Array<{ x: number; line: number }> {
  let x = left;
  let line = 0;
  return names.map((name) => {
    const width = 16 + textWidthEstimate(name) + 14;
    if (x > left && x + width > right) {
      x = left;
      line++;
    }
    const item = { x, line };
    x += width;
    return item;
  });
}

function labelName(input: ScatterInput, label: number): string {
  return input.labelNames?.[label] ?? formatNumber(label, 4);
}

/** Distinct labels to list, at most ten (more would repeat colours). */
function legend(labels: Float32Array | null): number[] {
  if (labels === null) return [];
  const distinct = [...new Set(labels)].sort((a, b) => a - b);
  return distinct.length <= 10 ? distinct : [];
}

/** The finite values of every other entry starting at `offset`. */
function range(points: Float32Array, offset: number): number[] {
  const values: number[] = [];
  for (let i = offset; i < points.length; i += 2) if (Number.isFinite(points[i]!)) values.push(points[i]!);
  return values;
}
