/**
 * The report's "Reconstructions" section. Images: shown rows above what the model rebuilds, and
 * for a denoiser the same rows with the training noise above what the model makes of them.
 * Tables: the mean error of each column (which columns the model rebuilds badly) and, for the
 * worst-rebuilt rows, every value beside its reconstruction. Node only (image grids as PNG).
 */

import { matrix } from '../../data/matrix.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { Rng } from '../../tensor/rng.js';
import { corrupt, formatCorruption, type Corruption } from '../../train/corruption.js';
import type { ReportFigure, ReportSection } from '../html-report.js';
import { responsiveChart } from '../responsive-chart.js';
import { formatNumber } from '../text.js';
import { extent } from '../views/axis.js';
import { barChartSvg } from '../views/bars.js';
import { imageRowsView, toUnitRange, type GridImageShape } from '../views/image-rows.js';
import { rowProfilesSvg } from '../views/row-profiles.js';
import { largest, mean, type ModelAnalysis } from './model-analysis.js';
import { pngFigure } from './png-figure.js';
import { mseLabel, scaledUnits } from './units.js';

/** Images per grid row. */
export const GRID_IMAGES = 10;
/** Columns in the per-column error chart. */
export const FEATURE_BARS = 20;
/** Rows drawn value by value. */
export const WORST_ROWS = 3;

export interface ReconstructionInput {
  readonly model: Autoencoder;
  readonly analysis: ModelAnalysis;
  readonly columns: readonly string[];
  readonly imageShape: GridImageShape | null;
  /** The noise the model was trained to remove, for a denoiser. */
  readonly noise: Corruption | null;
  readonly seed: number;
}

/**
 * @example
 * sections.push(reconstructionSection({ model, analysis, columns: dataset.columns, imageShape, noise: null, seed: 42 }));
 */
export function reconstructionSection(input: ReconstructionInput): ReportSection {
  return input.imageShape === null ? tableSection(input) : imageSection(input, input.imageShape);
}

function imageSection(input: ReconstructionInput, shape: GridImageShape): ReportSection {
  const { model, analysis } = input;
  const x = analysis.rows.x;
  const n = Math.min(GRID_IMAGES, x.rows);
  const originals = matrix(x.data.slice(0, n * x.cols), n, x.cols);
  const max = Math.max(1, extent(originals.data)[1]);
  const figures: ReportFigure[] = [
    pngFigure(
      imageRowsView(
        [
          { label: 'original', images: toUnitRange(originals.data, max) },
          { label: 'reconstructed', images: toUnitRange(model.reconstruct(originals).data, max) },
        ],
        shape,
        { scale: 3 },
      ),
      `Top: the first ${n} ${analysis.rows.words}; bottom: what the model rebuilds from their codes.`,
    ),
  ];
  let text = `Mean squared error per value over ${x.rows} ${analysis.rows.words}: ${formatNumber(mean(analysis.rowErrors))} (${scaledUnits(model)}²).`;
  if (input.noise !== null) {
    const unit = max <= 1;
    const noisy = matrix(corrupt(originals.data, input.noise, new Rng(input.seed ^ 0x5eed), unit ? [0, 1] : undefined), n, x.cols);
    const denoised = model.reconstruct(noisy);
    figures.push(
      pngFigure(
        imageRowsView(
          [
            { label: 'noisy', images: toUnitRange(noisy.data, max) },
            { label: 'denoised', images: toUnitRange(denoised.data, max) },
          ],
          shape,
          { scale: 3 },
        ),
        `Top: the same rows with the training noise (${formatCorruption(input.noise)}); bottom: what the denoiser makes of them.`,
      ),
    );
    text += ` Denoising: the noisy inputs differ from the clean rows by ${formatNumber(mseOf(noisy.data, originals.data))} per value, the denoised outputs by ${formatNumber(mseOf(denoised.data, originals.data))} (MSE, data units²).`;
  }
  return { heading: 'Reconstructions', text, figures };
}

function tableSection(input: ReconstructionInput): ReportSection {
  const { model, analysis, columns } = input;
  const order = largest(analysis.columnErrors, FEATURE_BARS);
  const label = mseLabel(model);
  const figures: ReportFigure[] = [
    {
      ...responsiveChart(
        ({ width }) =>
          barChartSvg({
            title: order.length < columns.length ? `Error per column (the ${order.length} worst of ${columns.length})` : 'Error per column',
            categories: order.map((c) => columns[c] ?? `x${c}`),
            series: [{ name: 'autoencoder', values: order.map((c) => analysis.columnErrors[c]!) }],
            valueLabel: label,
            description: `Mean squared reconstruction error of each column over the ${analysis.rows.words}, worst first.`,
            width,
          }),
        { width: 480 },
      ),
      caption: `Columns the model rebuilds worst, by mean squared error over ${analysis.rows.x.rows} ${analysis.rows.words}; 1 is the error of always predicting the column mean when the scaling is standard.`,
    },
  ];
  const worst = largest(analysis.rowErrors, Math.min(WORST_ROWS, analysis.rowErrors.length));
  if (worst.length > 0) {
    const cols = analysis.scaled.cols;
    figures.push({
      ...responsiveChart(
        ({ width }) =>
          rowProfilesSvg({
            title: `The ${worst.length} worst-rebuilt rows`,
            rows: worst.map((r) => ({
              label: `row ${analysis.rows.indices[r]!} (MSE ${formatNumber(analysis.rowErrors[r]!, 3)})`,
              original: analysis.scaled.data.subarray(r * cols, (r + 1) * cols),
              reconstruction: analysis.scaledReconstruction.data.subarray(r * cols, (r + 1) * cols),
            })),
            features: columns,
            valueLabel: `value (${scaledUnits(model)})`,
            width,
          }),
        { width: 480 },
      ),
      caption:
        'Each panel is one row: its values column by column (dots) and the reconstruction (line). Gaps between dot and line are the columns that row is rebuilt badly on.',
    });
  }
  if (input.noise !== null) {
    const noisy = matrix(
      corrupt(analysis.scaled.data, input.noise, new Rng(input.seed ^ 0x5eed)),
      analysis.scaled.rows,
      analysis.scaled.cols,
    );
    const denoised = model.scale(model.reconstruct(model.unscale(noisy)));
    return {
      heading: 'Reconstructions',
      text:
        `Mean squared error per value over ${analysis.rows.x.rows} ${analysis.rows.words}: ${formatNumber(mean(analysis.rowErrors))} (${scaledUnits(model)}²). ` +
        `Denoising with the training noise (${formatCorruption(input.noise)}): noisy inputs differ from the clean rows by ${formatNumber(mseOf(noisy.data, analysis.scaled.data))} per value, the denoised outputs by ${formatNumber(mseOf(denoised.data, analysis.scaled.data))}.`,
      figures,
    };
  }
  return {
    heading: 'Reconstructions',
    text: `Mean squared error per value over ${analysis.rows.x.rows} ${analysis.rows.words}: ${formatNumber(mean(analysis.rowErrors))} (${scaledUnits(model)}²).`,
    figures,
  };
}

function mseOf(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return a.length === 0 ? Number.NaN : sum / a.length;
}
