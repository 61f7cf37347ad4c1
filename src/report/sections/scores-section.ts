/**
 * The report's anomaly section: the distribution of per-row scores with the threshold and the
 * share it flags; with 0/1 labels, ROC and precision–recall curves with their areas (the model
 * beside any baselines given); and the top-scoring rows with their most anomalous features (for
 * images, the rows themselves above their reconstructions). Shared by the training and the
 * evaluation reports. Node only (image grids as PNG).
 */

import type { Matrix } from '../../data/matrix.js';
import { matrix } from '../../data/matrix.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import type { ReportCell, ReportFigure, ReportSection, ReportTable } from '../html-report.js';
import { responsiveChart } from '../responsive-chart.js';
import { formatNumber } from '../text.js';
import { extent } from '../views/axis.js';
import { precisionRecallSvg, rocCurvesSvg, type ScoredDetector } from '../views/detection-curves.js';
import { flaggedCount, formatShare, histogramSvg } from '../views/histogram.js';
import { imageRowsView, toUnitRange, type GridImageShape } from '../views/image-rows.js';
import { topRows } from '../views/top-rows.js';
import { pngFigure } from './png-figure.js';
import { isBinary, type ReportRows } from './report-rows.js';

/** Rows listed as the top-scoring ones. */
export const TOP_ROWS = 10;

export interface ScoresInput {
  readonly heading?: string;
  readonly rows: ReportRows;
  /** The model's score of each shown row. */
  readonly scores: ArrayLike<number>;
  /** What a score is, with its unit. */
  readonly scoreLabel: string;
  readonly threshold: number | null;
  /** Where the threshold comes from, in words (rule and rows). */
  readonly thresholdWords: string;
  /** Squared errors per feature of the shown rows, for the most anomalous features; or null. */
  readonly featureErrors: Matrix | null;
  readonly columns: readonly string[];
  /** Name of the model's scorer in the curves' legends. */
  readonly name: string;
  /** Other scorers of the same rows drawn beside the model (e.g. PCA). */
  readonly baselines?: readonly ScoredDetector[];
  /** For images: the model, to draw the top rows above their reconstructions. */
  readonly imageModel?: { readonly model: Autoencoder; readonly shape: GridImageShape } | null;
}

/**
 * @example
 * sections.push(scoresSection({ rows, scores, scoreLabel: 'MSE per value', threshold, thresholdWords, featureErrors, columns, name: 'autoencoder' }));
 */
export function scoresSection(input: ScoresInput): ReportSection {
  const { rows, scores, threshold } = input;
  const figures: ReportFigure[] = [
    {
      ...responsiveChart((size) => histogramSvg({ scores, threshold, xLabel: input.scoreLabel, title: 'Score per row', ...size }), {
        width: 760,
        height: 320,
      }),
      caption:
        threshold === null
          ? `${rows.x.rows} ${rows.words}. No anomaly threshold is stored in this model (train with --threshold-rule to store one).`
          : `${rows.x.rows} ${rows.words}; the dashed line is the threshold ${formatNumber(threshold, 4)} (${input.thresholdWords}). It flags ${flaggedCount(scores, threshold)} of them (${formatShare(flaggedCount(scores, threshold) / Math.max(1, scores.length))}); flagged bars are red.`,
      wide: true,
    },
  ];
  const labels = rows.labels;
  let text = `Each row's anomaly score: ${input.scoreLabel}. Higher means more unusual to the model.`;
  if (isBinary(labels)) {
    const detectors = [{ name: input.name, scores }, ...(input.baselines ?? [])];
    figures.push(
      {
        ...responsiveChart((size) => rocCurvesSvg({ labels, detectors, ...size }), { width: 480, height: 420 }),
        caption: 'Up and to the left is better; the dashed diagonal is a scorer that guesses. AUC is the area under the curve.',
      },
      {
        ...responsiveChart((size) => precisionRecallSvg({ labels, detectors, ...size }), { width: 480, height: 420 }),
        caption:
          'Up and to the right is better; the dashed line is the precision of guessing (the share of anomalies). AP is the average precision.',
      },
    );
    text += ` The data carry 0/1 labels (1 = anomaly), so the curves show how well the scores separate the ${countOnes(labels)} labelled anomalies among these rows.`;
  }
  const top = topRows({
    scores,
    rows: rows.indices,
    featureErrors: input.featureErrors,
    columns: input.columns,
    labels,
    threshold,
    count: TOP_ROWS,
  });
  if (input.imageModel) {
    const { model, shape } = input.imageModel;
    const picked = top.map((t) => rows.indices.indexOf(t.row));
    const cols = rows.x.cols;
    const images = new Float32Array(picked.length * cols);
    picked.forEach((r, i) => images.set(rows.x.data.subarray(r * cols, (r + 1) * cols), i * cols));
    const max = Math.max(1, extent(images)[1]);
    const rebuilt = model.reconstruct(matrix(images, picked.length, cols)).data;
    figures.push(
      pngFigure(
        imageRowsView(
          [
            { label: 'sample', images: toUnitRange(images, max) },
            { label: 'reconstructed', images: toUnitRange(rebuilt, max) },
          ],
          shape,
          { scale: 2 },
        ),
        `The ${picked.length} highest-scoring rows (left = highest) above what the model rebuilds.`,
        true,
      ),
    );
  }
  return {
    heading: input.heading ?? 'Anomaly scores',
    text,
    figures,
    table: topTable(top, labels !== null, input.featureErrors !== null && input.imageModel == null),
    note: 'Rows are counted from 0, as in every latent message. A feature’s share is its part of the row’s summed squared reconstruction error.',
  };
}

function topTable(top: ReturnType<typeof topRows>, withLabel: boolean, withFeatures: boolean): ReportTable {
  const columns = [
    'row',
    'score',
    'flagged',
    ...(withLabel ? ['label'] : []),
    ...(withFeatures ? ['most anomalous features (share of the row’s error)'] : []),
  ];
  const rows = top.map((t): ReportCell[] => [
    t.row,
    t.score,
    t.flagged ? 'yes' : 'no',
    ...(withLabel ? [t.label] : []),
    ...(withFeatures ? [t.features.map((f) => `${f.name} ${formatShare(f.share)}`).join(', ')] : []),
  ]);
  return { columns, rows };
}

function countOnes(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) n += labels[i]!;
  return n;
}
