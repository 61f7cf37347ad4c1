/**
 * What every chart view shares: the SVG root (sized, titled, described for screen readers), the
 * font, the series and alarm colours, and coordinate rounding. Browser-safe and DOM-free.
 *
 * Invariant: views draw text and axes in `currentColor` with no background, so one SVG reads on a
 * light page, a dark page and paper alike; only data marks carry fixed colours, chosen to stay
 * distinct on white and on near-black.
 */

import { escapeXml } from '../text.js';

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
