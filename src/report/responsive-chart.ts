/**
 * A report chart in two layouts: the one drawn for a desktop column, and one re-laid out for a
 * phone (narrower, taller for its width, legends below the plot, long names wrapped), so chart
 * text keeps its drawn size instead of shrinking with the picture. The report shows whichever
 * fits its figure (a CSS container query, see html-report.ts). Browser-safe.
 *
 * Invariant: both layouts come from the same view with the same data; only the size differs.
 */

/** Width in pixels of the phone layout: a 390-pixel-wide phone's report column shows it at 1:1. */
export const PHONE_CHART_WIDTH = 340;

export interface ChartSize {
  readonly width: number;
  /** Absent for views whose height follows from their content (bars, row profiles). */
  readonly height?: number;
}

/** The two layouts of one chart, to spread into a report figure. */
export interface ResponsiveChart {
  readonly svg: string;
  readonly narrowSvg?: string;
}

/**
 * The chart drawn at `size` and, when that is wider than a phone can show at a readable size, at
 * the phone size too.
 *
 * @example
 * figures.push({ ...responsiveChart((size) => lossCurvesSvg({ ...input, ...size }), { width: 760, height: 340 }), caption });
 */
export function responsiveChart(draw: (size: ChartSize) => string, size: ChartSize): ResponsiveChart {
  const svg = draw(size);
  // Up to 12/11 of the phone width, 12-pixel text stays at 11 pixels or more when scaled to fit.
  if (size.width <= (PHONE_CHART_WIDTH * 12) / 11) return { svg };
  return { svg, narrowSvg: draw(phoneSize(size)) };
}

/** The phone layout's size: the phone width, and a little less height than the desktop layout (at least 240). */
export function phoneSize(size: ChartSize): ChartSize {
  if (size.height === undefined) return { width: PHONE_CHART_WIDTH };
  return { width: PHONE_CHART_WIDTH, height: Math.min(size.height, Math.max(240, Math.round(size.height * 0.8))) };
}
