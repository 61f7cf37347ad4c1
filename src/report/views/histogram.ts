/**
 * The reconstruction-error distribution: a histogram of per-row scores with the threshold as a
 * dashed line, bars above it in the alarm colour, and the flagged share written on the chart.
 * Shared by the report and the playground; a DOM-free SVG string.
 *
 * Invariant: the bins cover every finite score and the threshold, so the line is always inside.
 */

import { escapeXml, formatNumber } from '../text.js';
import { linearAxis } from './axis.js';
import {
  ALARM_COLOR,
  chartTitle,
  NEUTRAL_COLOR,
  num,
  svgOpen,
  textLines,
  textWidthEstimate,
  tickMarkParts,
  valueGridParts,
  wrapText,
} from './svg.js';

export interface HistogramInput {
  readonly scores: ArrayLike<number>;
  /** The anomaly threshold, or null when none is set (no line, nothing flagged). */
  readonly threshold: number | null;
  /** What a score is, with its unit. */
  readonly xLabel: string;
  readonly title?: string;
  /** Draw the title above the plot (default true); without, it still names the SVG for screen readers. */
  readonly showTitle?: boolean;
  readonly bins?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * Counts of `scores` in `bins` equal bins over [lo, hi]; values outside or non-finite are skipped.
 *
 * @example
 * binCounts([0.1, 0.2, 0.9], 0, 1, 2); // [2, 1]
 */
export function binCounts(scores: ArrayLike<number>, lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  }
  return counts;
}

/**
 * How many finite scores lie strictly above `threshold` (a row is flagged when its score is above).
 *
 * @example
 * flaggedCount([0.1, 0.5, 0.9], 0.5); // 1
 */
export function flaggedCount(scores: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > threshold) n++;
  return n;
}

/**
 * SVG markup of the histogram.
 *
 * @example
 * container.innerHTML = histogramSvg({ scores, threshold: 0.02, xLabel: 'reconstruction error (MSE per value)' });
 */
export function histogramSvg(input: HistogramInput): string {
  const width = input.width ?? 760;
  const height = input.height ?? 320;
  const bins = input.bins ?? 40;
  const { threshold } = input;
  let lo = threshold ?? Infinity;
  let hi = threshold ?? -Infinity;
  let finite = 0;
  for (let i = 0; i < input.scores.length; i++) {
    const v = input.scores[i]!;
    if (Number.isFinite(v)) {
      finite++;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  // A long right tail (usual for anomaly scores) would squeeze every other row into one bar: the
  // axis ends past the 99th percentile and the threshold, and the rows beyond share the last bar.
  const tail = tailCut(input.scores, lo, threshold);
  const clipped = tail < hi;
  if (clipped) hi = tail;
  if (!(hi > lo)) hi = lo + 1;
  hi += (hi - lo) * 1e-6;
  const counts = binCounts(input.scores, lo, hi, bins);
  const beyond = clipped ? countAbove(input.scores, hi) : 0;
  counts[bins - 1]! += beyond;
  const top = Math.max(1, ...counts);
  const yAxis = linearAxis([0, top], undefined, 4);
  const showTitle = input.showTitle ?? true;
  const xLines = wrapText(input.xLabel, width - 72);
  const title = input.title ?? 'Reconstruction error per row';
  const heading = chartTitle(title, (56 + width - 16) / 2, width, 20);
  const plotTop = showTitle ? 48 + 18 * (heading.lines - 1) : 34;
  const plot = { left: 56, right: width - 16, top: plotTop, bottom: height - 46 - 14 * (xLines.length - 1) };
  const sx = (v: number): number => plot.left + ((v - lo) / (hi - lo)) * (plot.right - plot.left);
  const sy = (v: number): number => plot.bottom - (v / yAxis.max) * (plot.bottom - plot.top);
  const barWidth = (plot.right - plot.left) / bins;
  const flagged = threshold === null ? 0 : flaggedCount(input.scores, threshold);
  const flaggedShare = finite === 0 ? 0 : flagged / finite;
  const parts = [
    svgOpen({
      width,
      height,
      title,
      className: 'chart histogram',
      description:
        `Histogram of ${finite} rows' scores from ${formatNumber(lo, 3)} to ${formatNumber(hi, 3)}.` +
        (threshold === null ? '' : ` The threshold ${formatNumber(threshold, 4)} flags ${flagged} rows (${formatShare(flaggedShare)}).`),
    }),
    showTitle ? heading.markup : '',
  ];
  parts.push(
    ...valueGridParts(yAxis.ticks, sy, plot),
    ...tickMarkParts(
      linearAxis([lo, hi], undefined, 6).ticks.filter((tick) => tick >= lo && tick <= hi),
      sx,
      plot,
    ),
  );
  parts.push(
    `<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" stroke="currentColor" stroke-opacity="0.8"/>`,
    textLines(xLines, (plot.left + plot.right) / 2, height - 8 - 14 * (xLines.length - 1), 14, 'text-anchor="middle"'),
    `<text transform="translate(14 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">rows</text>`,
  );
  counts.forEach((count, b) => {
    if (count === 0) return;
    const x = plot.left + b * barWidth;
    const y = sy(count);
    const above = threshold !== null && lo + (b + 0.5) * ((hi - lo) / bins) > threshold;
    const from = formatNumber(lo + b * ((hi - lo) / bins), 3);
    const to = formatNumber(lo + (b + 1) * ((hi - lo) / bins), 3);
    parts.push(
      `<rect class="bar" x="${num(x)}" y="${num(y)}" width="${num(Math.max(1, barWidth - 1))}" height="${num(plot.bottom - y)}" fill="${above ? ALARM_COLOR : NEUTRAL_COLOR}"><title>${count} rows from ${from} to ${to}</title></rect>`,
    );
  });
  if (beyond > 0) {
    parts.push(
      `<text class="overflow" x="${plot.right}" y="${plot.top - 10}" text-anchor="end" font-size="11" fill-opacity="0.8">last bar includes ${beyond} ${beyond === 1 ? 'row' : 'rows'} above ${escapeXml(formatNumber(hi, 3))}</text>`,
    );
  }
  if (threshold !== null) {
    const x = sx(threshold);
    const label = `threshold ${formatNumber(threshold, 3)}`;
    const shareWords = `${flagged} of ${finite} rows flagged (${formatShare(flaggedShare)})`;
    const fits = (lines: readonly string[]): { start: boolean; end: boolean; needed: number } => {
      const needed = Math.max(...lines.map((w) => textWidthEstimate(w))) + 6;
      return { start: x + needed <= plot.right, end: x - needed >= plot.left, needed };
    };
    // The words go on a side of the line with room for them; on a narrow chart the share may
    // need two lines to fit beside the line instead of across it.
    let shareLines = [shareWords];
    let room = fits([label, shareWords]);
    if (!room.start && !room.end) {
      shareLines = wrapText(shareWords, 110);
      room = fits([label, ...shareLines]);
    }
    const anchor = room.start || !room.end ? 'start' : 'end';
    const textX = anchor === 'start' ? Math.min(x + 6, width - 2 - room.needed) : x - 6;
    parts.push(
      `<line class="threshold" x1="${num(x)}" y1="${plot.top - 6}" x2="${num(x)}" y2="${plot.bottom}" stroke="${ALARM_COLOR}" stroke-width="2" stroke-dasharray="5 3"/>`,
      `<text class="threshold-label" x="${num(textX)}" y="${plot.top + 6}" text-anchor="${anchor}" fill="${ALARM_COLOR}">${escapeXml(label)}</text>`,
      textLines(shareLines, textX, plot.top + 22, 14, `class="flagged-share" text-anchor="${anchor}" fill="${ALARM_COLOR}"`),
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Where the axis ends: a little past the 99th percentile and the threshold (Infinity: no cut). */
function tailCut(scores: ArrayLike<number>, lo: number, threshold: number | null): number {
  const finite = Array.from(scores)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b);
  if (finite.length < 100) return Infinity;
  const p99 = finite[Math.floor(0.99 * (finite.length - 1))]!;
  const cut = Math.max(p99, threshold ?? -Infinity);
  return lo + (cut - lo) * 1.15;
}

function countAbove(scores: ArrayLike<number>, limit: number): number {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > limit) n++;
  return n;
}

/**
 * A share as a percentage with sensible precision.
 *
 * @example
 * formatShare(0.0421); // '4.2%'
 */
export function formatShare(share: number): string {
  const pct = 100 * share;
  return `${pct === 0 || pct >= 10 ? pct.toFixed(0) : pct < 0.1 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}
