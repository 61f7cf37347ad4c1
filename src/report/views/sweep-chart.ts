/**
 * Validation reconstruction error against latent size, the autoencoder beside PCA at each size,
 * the suggested size marked. A DOM-free SVG string for `latent sweep --report`.
 */

import { lineChart } from '../svg-chart.js';
import { ALARM_COLOR } from './svg.js';

export interface SweepPoint {
  readonly latent: number;
  readonly autoencoder: number;
  readonly pca: number;
}

export interface SweepChartInput {
  readonly points: readonly SweepPoint[];
  /** The suggested latent size, marked on the chart, or null. */
  readonly suggested: number | null;
  /** What the error is, with its unit. */
  readonly errorLabel: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * SVG markup of the sweep chart.
 *
 * @example
 * sweepChartSvg({ points: rows.map((r) => ({ latent: r.latent, autoencoder: r.aeValError, pca: r.pcaValError })), suggested: 8, errorLabel: 'MSE' });
 */
export function sweepChartSvg(input: SweepChartInput): string {
  const sorted = [...input.points].sort((a, b) => a.latent - b.latent);
  const x = sorted.map((p) => p.latent);
  const all = sorted.flatMap((p) => [p.autoencoder, p.pca]).filter((v) => v > 0);
  const spread = all.length > 0 && Math.max(...all) / Math.min(...all) > 5;
  return lineChart({
    title: 'Validation error against latent size',
    xLabel: 'latent size (code dimensions, log scale)',
    yLabel: input.errorLabel,
    logX: true,
    logY: spread,
    width: input.width ?? 760,
    height: input.height ?? 360,
    series: [
      { name: 'autoencoder', values: sorted.map((p) => p.autoencoder), x, dots: true },
      { name: 'PCA, same size', values: sorted.map((p) => p.pca), x, dots: true, dashed: true },
    ],
    markers: input.suggested === null ? [] : [{ x: input.suggested, label: `suggested: ${input.suggested}`, color: ALARM_COLOR }],
    description:
      `Reconstruction error on the held-out rows for latent sizes ${x.join(', ')}, the autoencoder (solid) beside PCA with as many components (dashed).` +
      (input.suggested === null ? '' : ` Suggested size: ${input.suggested}.`),
  });
}
