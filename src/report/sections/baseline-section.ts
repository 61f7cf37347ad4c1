/**
 * The report's "PCA baseline" section: PCA with as many components as the model's latent size,
 * fitted on the training rows, rebuilding the same shown rows, side by side with the model — the
 * errors, and per column (tables) or picture by picture (images). A nonlinear model earns its
 * keep only where it beats this. Node only (image grids as PNG).
 *
 * Invariant: both errors are mean squared errors per value in the model's scaled units on the
 * same rows; PCA is fitted in those units.
 */

import type { Dataset } from '../../data/dataset.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { Pca } from '../../tasks/pca.js';
import { takeRows } from '../../train/batches.js';
import type { ReportFigure, ReportSection, ReportTable } from '../html-report.js';
import { responsiveChart } from '../responsive-chart.js';
import { formatNumber } from '../text.js';
import { extent } from '../views/axis.js';
import { barChartSvg } from '../views/bars.js';
import { imageRowsView, toUnitRange, type GridImageShape } from '../views/image-rows.js';
import { largest, mean, squaredErrors, type ModelAnalysis } from './model-analysis.js';
import { pngFigure } from './png-figure.js';
import { FEATURE_BARS, GRID_IMAGES } from './reconstruction-section.js';
import { mseLabel, scaledUnits } from './units.js';

/** Most training rows PCA is fitted on (evenly spaced): plenty for the leading components. */
export const PCA_FIT_ROWS = 5000;

export interface Baseline {
  readonly section: ReportSection;
  /** PCA's mean squared error of each shown row (scaled units²), for the anomaly curves. */
  readonly rowErrors: Float64Array;
}

export interface BaselineInput {
  readonly model: Autoencoder;
  readonly data: Dataset;
  readonly trainRows: Uint32Array;
  readonly analysis: ModelAnalysis;
  readonly imageShape: GridImageShape | null;
}

/**
 * The section and PCA's row errors, or null when PCA with the model's latent size cannot be
 * fitted (as many components as columns, or fewer training rows than components).
 *
 * @example
 * const baseline = pcaBaseline({ model, data: dataset, trainRows: split.train, analysis, imageShape });
 */
export function pcaBaseline(input: BaselineInput): Baseline | null {
  const { model, analysis } = input;
  const k = model.latentDim;
  const cols = analysis.scaled.cols;
  if (k >= cols || input.trainRows.length <= k) return null;
  const fitRows = thin(input.trainRows, PCA_FIT_ROWS);
  const pca = new Pca({ nComponents: k }).fit(model.scale(takeRows(input.data.x, fitRows)));
  const rebuilt = pca.inverseTransform(pca.transform(analysis.scaled));
  const { rowErrors, columnErrors } = squaredErrors(analysis.scaled, rebuilt);
  const aeMse = mean(analysis.rowErrors);
  const pcaMse = mean(rowErrors);
  const better = aeMse < pcaMse;
  const table: ReportTable = {
    columns: ['', 'autoencoder', `PCA, ${k} components`],
    rows: [
      [`reconstruction error, ${mseLabel(model)}`, aeMse, pcaMse],
      ['latent size (code dimensions)', k, k],
    ],
  };
  const figures: ReportFigure[] = [];
  if (input.imageShape !== null) {
    const n = Math.min(GRID_IMAGES, analysis.rows.x.rows);
    const originals = analysis.rows.x.data.slice(0, n * cols);
    const max = Math.max(1, extent(originals)[1]);
    const ae = model.reconstruct(
      takeRows(
        analysis.rows.x,
        Uint32Array.from({ length: n }, (_, i) => i),
      ),
    ).data;
    const linear = model.unscale(
      takeRows(
        rebuilt,
        Uint32Array.from({ length: n }, (_, i) => i),
      ),
    ).data;
    figures.push(
      pngFigure(
        imageRowsView(
          [
            { label: 'original', images: toUnitRange(originals, max) },
            { label: 'model', images: toUnitRange(ae, max) },
            { label: 'PCA', images: toUnitRange(linear, max) },
          ],
          input.imageShape,
          { scale: 3 },
        ),
        `The same ${n} ${analysis.rows.words}: originals, the model's reconstructions and PCA's with ${k} components.`,
        true,
      ),
    );
  } else {
    const order = largest(analysis.columnErrors, FEATURE_BARS);
    figures.push({
      ...responsiveChart(
        ({ width }) =>
          barChartSvg({
            title: order.length < cols ? `Error per column, model and PCA (the ${order.length} worst)` : 'Error per column, model and PCA',
            categories: order.map((c) => input.data.columns[c] ?? `x${c}`),
            series: [
              { name: 'autoencoder', values: order.map((c) => analysis.columnErrors[c]!) },
              { name: `PCA, ${k} components`, values: order.map((c) => columnErrors[c]!) },
            ],
            valueLabel: mseLabel(model),
            description: 'Mean squared reconstruction error of each column for the autoencoder and for PCA of the same latent size.',
            width,
          }),
        { width: 760 },
      ),
      caption: 'Shorter is better. Columns where the PCA bar is shorter are ones a linear code of the same size rebuilds better.',
      wide: true,
    });
  }
  return {
    rowErrors,
    section: {
      heading: 'PCA baseline',
      text:
        `PCA with ${k} components (the model's latent size), fitted on ${fitRows.length} training rows, rebuilds the same ${analysis.rows.x.rows} ${analysis.rows.words}. ` +
        `The model's error is ${formatNumber(aeMse)} against PCA's ${formatNumber(pcaMse)} (${scaledUnits(model)}²): ` +
        (better
          ? `the model is ${formatNumber(pcaMse / aeMse, 3)}× better than the linear baseline.`
          : `PCA is as good or better (${formatNumber(aeMse / pcaMse, 3)}× lower error), so a linear code of this size would do.`),
      table,
      figures,
    },
  };
}

function thin(rows: Uint32Array, limit: number): Uint32Array {
  return rows.length <= limit ? rows : Uint32Array.from({ length: limit }, (_, i) => rows[Math.floor((i * rows.length) / limit)]!);
}
