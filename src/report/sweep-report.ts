/**
 * The HTML sweep report of `latent sweep … --report`: validation reconstruction error against
 * latent size, the autoencoder beside PCA with as many components at each size, the suggested
 * size marked, and the sweep's table. Browser-safe (charts only).
 */

import type { SweepRow } from '../tasks/sweep.js';
import { htmlReport, type ReportCell } from './html-report.js';
import { responsiveChart } from './responsive-chart.js';
import { formatSeconds } from './summary-facts.js';
import { formatNumber } from './text.js';
import { sweepChartSvg } from './views/sweep-chart.js';

export interface SweepReportInput {
  readonly title: string;
  readonly command: string;
  /** Where the data came from and how it was split, in words. */
  readonly dataWords: string;
  readonly rows: readonly SweepRow[];
  /** Index into `rows` of the suggested size, or -1. */
  readonly suggested: number;
  /** How close to the best error the suggestion must be (0.05 = 5%). */
  readonly tolerance: number;
}

const ERROR_LABEL = 'validation MSE per value (scaled units²)';

/**
 * The report as an HTML string.
 *
 * @example
 * writeFileAtomic('sweep.html', sweepReport({ title, command, dataWords, rows, suggested: 2, tolerance: 0.05 }));
 */
export function sweepReport(input: SweepReportInput): string {
  const pick = input.rows[input.suggested];
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  const table = input.rows.map((r): ReportCell[] => [
    r === pick ? `${r.latent} (suggested)` : String(r.latent),
    r.aeValError,
    r.pcaValError,
    pct(r.aeExplained),
    pct(r.pcaExplained),
    r.epochs,
    formatSeconds(r.seconds),
  ]);
  const beats = input.rows.filter((r) => r.aeValError < r.pcaValError).map((r) => r.latent);
  return htmlReport({
    title: input.title,
    subtitle: input.command,
    facts: [
      ['latent sizes tried', input.rows.map((r) => r.latent).join(', ')],
      ['suggested size', pick === undefined ? '—' : pick.latent],
      ...(pick === undefined ? [] : [['its validation error', formatNumber(pick.aeValError)] as [string, ReportCell]]),
      ['autoencoder beats PCA at', beats.length === 0 ? 'no size' : beats.join(', ')],
    ],
    sections: [
      {
        heading: 'Error against latent size',
        text:
          `${input.dataWords} One autoencoder and one PCA per size, both measured on the same held-out rows.` +
          (pick === undefined
            ? ''
            : ` The suggested size, ${pick.latent}, is the smallest whose autoencoder error is within ${Math.round(input.tolerance * 100)}% of the best.`),
        figures: [
          {
            ...responsiveChart(
              (size) =>
                sweepChartSvg({
                  points: input.rows.map((r) => ({ latent: r.latent, autoencoder: r.aeValError, pca: r.pcaValError })),
                  suggested: pick === undefined ? null : pick.latent,
                  errorLabel: ERROR_LABEL,
                  ...size,
                }),
              { width: 760, height: 360 },
            ),
            caption:
              'Lower is better. Where the solid line (autoencoder) lies below the dashed one (PCA), the nonlinear code rebuilds held-out rows better than a linear one of the same size.',
            wide: true,
          },
        ],
      },
      {
        heading: 'Sweep table',
        table: {
          columns: [
            'latent size',
            'autoencoder, validation MSE',
            'PCA, validation MSE',
            'autoencoder, variance explained',
            'PCA, variance explained',
            'epochs',
            'training time',
          ],
          rows: table,
        },
        note: 'MSE per value in the scaled units training uses. Variance explained is 1 − error ÷ the error of predicting every row by the training mean.',
      },
    ],
  });
}
