/**
 * What the views show, computed from the current model in the worker: latent codes of the shown
 * samples and their 2-D positions, reconstructions and denoising of a few images, and anomaly
 * scores with a threshold fitted on training rows.
 *
 * Invariants: only inference (no training state changes); the shown samples are always the same
 * rows for one run, so views of successive epochs are comparable; noise for the denoising row is
 * seeded, so it does not flicker between epochs.
 */

import {
  computeThreshold,
  corrupt,
  rocAuc,
  matrix,
  parseCorruption,
  Pca,
  Rng,
  takeRows,
  type Autoencoder,
  type Matrix,
  type ThresholdRule,
} from '../../src/index.js';
import type { Anomalies, ImageRows, Views, WireDataset } from './protocol.js';

/** Images in the reconstruction and denoising rows. */
export const GRID_IMAGES = 10;
/** Highest-scoring samples listed as anomalies. */
export const TOP_ANOMALIES = 5;
/** Training rows scored to set the anomaly threshold. */
const THRESHOLD_ROWS = 2000;
const RULE: ThresholdRule = { kind: 'contamination', fraction: 0.05 };
/** Noise of the denoising row when the model was not trained with any. */
const DEFAULT_VIEW_NOISE = 'gaussian:0.3';

export interface ViewInputs {
  readonly model: Autoencoder;
  readonly data: WireDataset;
  /** Dataset rows to show (validation rows). */
  readonly shownRows: Uint32Array;
  /** Dataset rows the model trained on. */
  readonly trainRows: Uint32Array;
  /** Noise the model was trained with (`none` for a plain autoencoder). */
  readonly noise: string;
}

/**
 * Everything the views draw for the current state of `model`.
 *
 * @example
 * post({ type: 'epoch', row, views: computeViews({ model, data, shownRows, trainRows, noise: 'none' }) });
 */
export function computeViews(inputs: ViewInputs): Views {
  const { model, data, shownRows } = inputs;
  const all = matrix(data.x, data.rows, data.cols);
  const shown = takeRows(all, shownRows);
  const codes = model.encode(shown);
  const { points, projection } = project(codes);
  const labels = data.labels === null ? null : Float32Array.from(shownRows, (r) => data.labels![r]!);
  return {
    rows: shownRows,
    labels,
    latentDim: codes.cols,
    codes: codes.data,
    points,
    projection,
    images: data.imageShape === null ? null : imageRows(model, shown, data.imageShape, inputs.noise),
    anomalies: anomalies(inputs, all, shown, labels),
  };
}

/** First two latent dimensions, or the first two principal components of the codes. */
function project(codes: Matrix): { points: Float32Array; projection: Views['projection'] } {
  const points = new Float32Array(codes.rows * 2);
  if (codes.cols <= 2 || codes.rows < 3) {
    for (let i = 0; i < codes.rows; i++) {
      points[2 * i] = codes.data[i * codes.cols]!;
      points[2 * i + 1] = codes.cols > 1 ? codes.data[i * codes.cols + 1]! : 0;
    }
    return { points, projection: 'latent' };
  }
  const projected = new Pca({ nComponents: 2 }).fitTransform(codes);
  points.set(projected.data);
  return { points, projection: 'pca' };
}

function imageRows(model: Autoencoder, shown: Matrix, [height, width]: readonly [number, number], noise: string): ImageRows {
  const count = Math.min(GRID_IMAGES, shown.rows);
  const originals = takeRows(
    shown,
    Uint32Array.from({ length: count }, (_, i) => i),
  );
  const spec = noise === 'none' ? DEFAULT_VIEW_NOISE : noise;
  const noisy = matrix(corrupt(originals.data, parseCorruption(spec), new Rng(7), [0, 1]), count, shown.cols);
  return {
    height,
    width,
    originals: originals.data,
    reconstructions: model.reconstruct(originals).data,
    noisy: noisy.data,
    denoised: model.reconstruct(noisy).data,
    noise: spec,
  };
}

/** Scores of the shown rows; `labels` are theirs (null without a label column). */
function anomalies(inputs: ViewInputs, all: Matrix, shown: Matrix, labels: Float32Array | null): Anomalies {
  const { model, shownRows, trainRows } = inputs;
  const metric = model.outputActivation === 'sigmoid' ? 'bce' : 'mse';
  const scores = model.reconstructionError(shown, metric);
  // An evenly spaced subset of the training rows is enough to place a quantile.
  const step = Math.max(1, Math.floor(trainRows.length / THRESHOLD_ROWS));
  const sampled = trainRows.filter((_, i) => i % step === 0);
  const threshold = computeThreshold(RULE, model.reconstructionError(takeRows(all, sampled), metric));
  const order = Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, TOP_ANOMALIES);
  const topRows = order.map((i) => shownRows[i]!);
  const top = takeRows(all, topRows);
  const images = inputs.data.imageShape !== null;
  const binary = labels !== null && labels.every((l) => l === 0 || l === 1) && new Set(labels).size === 2;
  return {
    scores,
    metric,
    threshold,
    rule: RULE,
    rocAuc: binary ? rocAuc(labels, scores) : null,
    topRows,
    topScores: order.map((i) => scores[i]!),
    topImages: images ? top.data : null,
    topReconstructions: images ? model.reconstruct(top).data : null,
  };
}
