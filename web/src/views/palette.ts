/**
 * Colours shared by the views: ten distinct hues for class labels (the digits 0–9, or any
 * integer label modulo ten) and one neutral colour for unlabelled data.
 */

export const LABEL_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export const NEUTRAL_COLOR = '#4a6fa5';

/** The colour of a label (a class number; fractional labels are rounded). */
export function labelColor(label: number | undefined): string {
  if (label === undefined || !Number.isFinite(label)) return NEUTRAL_COLOR;
  const i = ((Math.round(label) % LABEL_COLORS.length) + LABEL_COLORS.length) % LABEL_COLORS.length;
  return LABEL_COLORS[i]!;
}
