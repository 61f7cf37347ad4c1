/**
 * What every chart view shares: the SVG root (sized, titled, described for screen readers), the
 * font, the series and alarm colours, and coordinate rounding. Browser-safe and DOM-free.
 *
 * Invariant: views draw text and axes in `currentColor` with no background, so one SVG reads on a
 * light page, a dark page and paper alike; only data marks carry fixed colours, chosen to stay
 * distinct on white and on near-black.
 */

import { escapeXml, formatNumber } from '../text.js';

/** Colours of series and class labels (Tableau 10, readable on light and dark backgrounds). */
export const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Flagged rows, thresholds and other warnings. */
export const ALARM_COLOR = '#d62728';
/** Marks without a label or series of their own. */
export const NEUTRAL_COLOR = '#4a7fc1';
export const FONT_FAMILY = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';

export interface SvgFrame {
  readonly width: number;
  readonly height: number;
  /** Short name, read first by screen readers and shown as a tooltip. */
  readonly title: string;
  /** A sentence on what the picture shows, for screen readers. */
  readonly description?: string;
  /** A class on the root element, so pages can style or find a view. */
  readonly className?: string;
}

/**
 * The opening tag with title and description; close with `</svg>`.
 *
 * @example
 * const parts = [svgOpen({ width: 400, height: 300, title: 'Loss' }), ..., '</svg>'];
 */
export function svgOpen(frame: SvgFrame): string {
  const { width, height } = frame;
  const title = escapeXml(frame.title);
  const cls = frame.className === undefined ? '' : ` class="${escapeXml(frame.className)}"`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg"${cls} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" font-family="${FONT_FAMILY}" font-size="12" fill="currentColor">`,
    `<title>${title}</title>`,
  ];
  if (frame.description !== undefined) parts.push(`<desc>${escapeXml(frame.description)}</desc>`);
  return parts.join('\n');
}

/** A coordinate rounded to 1/100 pixel; non-finite values (never drawn) become -10, off canvas. */
export function num(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '-10';
}

/** The colour of series `index`. */
export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

/**
 * The colour of a class label (fractional labels are rounded, any integer taken modulo ten);
 * the neutral colour without a label.
 */
export function labelColor(label: number | undefined): string {
  if (label === undefined || !Number.isFinite(label)) return NEUTRAL_COLOR;
  const i = ((Math.round(label) % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length;
  return SERIES_COLORS[i]!;
}

/**
 * Rough width of `text` in pixels at `fontSize`: a generous average glyph width for the sans-serif
 * faces the views use, so text laid out by it fits in practice (the browser tests measure).
 */
export function textWidthEstimate(text: string, fontSize = 12, bold = false): number {
  return text.length * fontSize * (bold ? 0.6 : 0.56);
}

/**
 * `text` broken at spaces into lines no wider than `maxWidth` pixels (a single long word stays whole).
 *
 * @example
 * wrapText('precision (share of flagged rows that are anomalies)', 200); // ['precision (share of flagged', 'rows that are anomalies)']
 */
export function wrapText(text: string, maxWidth: number, fontSize = 12, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const joined = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidthEstimate(joined, fontSize, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = joined;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * A `<text>` of several lines (escaped), the first with its baseline at `y`, each next `lineHeight` lower.
 *
 * @example
 * textLines(['first line', 'second'], 170, 20, 15, 'text-anchor="middle"');
 */
export function textLines(lines: readonly string[], x: number, y: number, lineHeight: number, attributes = ''): string {
  const extra = attributes === '' ? '' : ` ${attributes}`;
  if (lines.length === 1) return `<text x="${num(x)}" y="${num(y)}"${extra}>${escapeXml(lines[0]!)}</text>`;
  const spans = lines.map((line, i) => `<tspan x="${num(x)}" dy="${i === 0 ? 0 : lineHeight}">${escapeXml(line)}</tspan>`);
  return `<text x="${num(x)}" y="${num(y)}"${extra}>${spans.join('')}</text>`;
}

/** A chart title laid out: its markup and how many lines it took. */
export interface ChartTitle {
  readonly markup: string;
  readonly lines: number;
}

/**
 * A chart's title (15 px, bold) centred on `centre` where it fits, moved in from the chart's
 * edges where it does not, and wrapped onto more lines (18 px apart) when wider than the chart.
 *
 * @example
 * const title = chartTitle('Loss per epoch', (plot.left + plot.right) / 2, width, 22); // plot.top += 18 * (title.lines - 1)
 */
export function chartTitle(title: string, centre: number, width: number, y: number): ChartTitle {
  const lines = wrapText(title, width - 16, 15, true);
  const half = Math.max(...lines.map((line) => textWidthEstimate(line, 15, true))) / 2;
  const x = Math.min(Math.max(centre, half + 8), width - half - 8);
  return {
    markup: textLines(lines, x, y, 18, 'text-anchor="middle" font-size="15" font-weight="600"'),
    lines: lines.length,
  };
}

/** A chart's plotting area, in SVG units. */
export interface PlotBox {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/**
 * The value axis of a chart: a faint gridline across the plot at each tick, its value left of it.
 *
 * @example
 * parts.push(...valueGridParts(yAxis.ticks, toY, plot));
 */
export function valueGridParts(ticks: readonly number[], toY: (value: number) => number, plot: PlotBox): string[] {
  return ticks.flatMap((tick) => {
    const y = num(toY(tick));
    return [
      `<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="currentColor" stroke-opacity="0.14"/>`,
      `<text x="${plot.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill-opacity="0.8">${escapeXml(formatNumber(tick, 3))}</text>`,
    ];
  });
}

/**
 * The horizontal axis's tick marks under the plot, each with its value below it.
 *
 * @example
 * parts.push(...tickMarkParts(xAxis.ticks, toX, plot));
 */
export function tickMarkParts(ticks: readonly number[], toX: (value: number) => number, plot: PlotBox): string[] {
  return ticks.flatMap((tick) => {
    const x = num(toX(tick));
    return [
      `<line x1="${x}" y1="${plot.bottom}" x2="${x}" y2="${plot.bottom + 5}" stroke="currentColor"/>`,
      `<text x="${x}" y="${plot.bottom + 18}" text-anchor="middle" fill-opacity="0.8">${escapeXml(formatNumber(tick, 3))}</text>`,
    ];
  });
}
