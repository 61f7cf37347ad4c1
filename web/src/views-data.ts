/**
 * What the views show, computed from the current model in the worker: latent codes of the shown
 * samples and their 2-D positions, reconstructions and denoising of a few images, the latent
 * plane of a variational model, and anomaly scores of the shown samples and of training rows.
 *
 * Invariants: only inference, in eval mode (a variational model encodes to its mean and draws no
 * noise, so the views of a model are the same during training as after it is saved and
 * reopened, and drawing them does not advance the training noise); the shown samples are always the same
 * rows for one run, so views of successive epochs are comparable; noise for the denoising row is
 * seeded, so it does not flicker between epochs. Reconstructions of shown samples are decoded
 * from the codes already computed for the scatter, so the encoder runs once per shown sample.
 */

import { corrupt, rocAuc, matrix, parseCorruption, Pca, Rng, takeRows, type Autoencoder, type Matrix } from '../../src/index.js';
import { latentPlaneView } from './latent-plane.js';
import type { Anomalies, ImageRows, ShownRows, Views, WireDataset } from './protocol.js';

/** Images in the reconstruction and denoising rows. */
export const GRID_IMAGES = 10;
/** Highest-scoring samples listed as anomalies. */
export const TOP_ANOMALIES = 5;
/** Training rows scored to place the anomaly threshold. */
export const THRESHOLD_ROWS = 2000;
/** Noise of the denoising row when the model was not trained with any. */
const DEFAULT_VIEW_NOISE = 'gaussian:0.3';

export interface ViewInputs {
  readonly model: Autoencoder;
  readonly data: WireDataset;
  /** Dataset rows to show (validation rows). */
  readonly shownRows: Uint32Array;
  /** Which rows `shownRows` are. */
  readonly shown: ShownRows;
  /** Dataset rows the model trained on. */
  readonly trainRows: Uint32Array;
  /** Noise the model was trained with (`none` for a plain autoencoder). */
  readonly noise: string;
  /** The epoch (1-based) the model has just finished, or null for an opened model file. */
  readonly epoch: number | null;
}

/**
 * Everything the views draw for the current state of `model`. With `previous` anomalies the
 * scoring is skipped and those are kept (they name the epoch they come from); with null the
 * shown and training rows are scored now.
 *
 * @example
 * const views = computeViews({ model, data, shownRows, shown: 'held-out', trainRows, noise: 'none', epoch: 3 }, null);
 */
export function computeViews(inputs: ViewInputs, previous: Anomalies | null): Views {
  const { model } = inputs;
  const wasTraining = model.training;
  model.eval();
  try {
    return viewsInEvalMode(inputs, previous);
  } finally {
    model.train(wasTraining);
  }
}

function viewsInEvalMode(inputs: ViewInputs, previous: Anomalies | null): Views {
  const { model, data, shownRows } = inputs;
  const all = matrix(data.x, data.rows, data.cols);
  const shown = takeRows(all, shownRows);
  const codes = model.encode(shown);
  const { points, projection } = project(codes);
  const labels = data.labels === null ? null : Float32Array.from(shownRows, (r) => data.labels![r]!);
  const scored = previous === null ? score(inputs, all, shown, labels) : null;
  // One decoder pass for every shown sample whose reconstruction is drawn: the first few (image
  // rows) and, on a scoring epoch, the top-scoring ones.
  const imageCount = data.imageShape === null ? 0 : Math.min(GRID_IMAGES, shown.rows);
  const topIndices = data.imageShape === null || scored === null ? [] : scored.topIndices;
  const drawn = [...Array.from({ length: imageCount }, (_, i) => i), ...topIndices];
  const decoded = drawn.length === 0 ? null : model.decode(takeRows(codes, Uint32Array.from(drawn))).data;
  const size = data.cols;
  const reconstructions = decoded === null ? null : decoded.subarray(0, imageCount * size);
  const topReconstructions = decoded === null || topIndices.length === 0 ? null : decoded.slice(imageCount * size);
  return {
    rows: shownRows,
    shown: inputs.shown,
    labels,
    latentDim: codes.cols,
    codes: codes.data,
    points,
    projection,
    images: data.imageShape === null || reconstructions === null ? null : imageRows(inputs, shown, reconstructions, data.imageShape),
    plane: latentPlaneView(model, data),
    anomalies: previous ?? { ...scored!.anomalies, topReconstructions },
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

/** The first shown images, their reconstructions (decoded from their codes) and denoising. */
function imageRows(
  inputs: ViewInputs,
  shown: Matrix,
  reconstructions: Float32Array,
  [height, width]: readonly [number, number],
): ImageRows {
  const count = reconstructions.length / shown.cols;
  const originals = shown.data.slice(0, count * shown.cols);
  const spec = inputs.noise === 'none' ? DEFAULT_VIEW_NOISE : inputs.noise;
  const noisy = matrix(corrupt(originals, parseCorruption(spec), new Rng(7), [0, 1]), count, shown.cols);
  return {
    height,
    width,
    originals,
    reconstructions: reconstructions.slice(),
    noisy: noisy.data,
    denoised: inputs.model.reconstruct(noisy).data,
    noise: spec,
  };
}

/**
 * Scores of the shown rows (their `labels` with them) and of an evenly spaced subset of the
 * training rows, which is enough to place any of the threshold rules; the top rows' positions
 * among the shown rows come back so their reconstructions can be decoded from the codes.
 */
function score(
  inputs: ViewInputs,
  all: Matrix,
  shown: Matrix,
  labels: Float32Array | null,
): { anomalies: Anomalies; topIndices: number[] } {
  const { model, shownRows, trainRows } = inputs;
  const metric = model.outputActivation === 'sigmoid' ? 'bce' : 'mse';
  const scores = model.reconstructionError(shown, metric);
  const step = Math.max(1, Math.ceil(trainRows.length / THRESHOLD_ROWS));
  const sampled = trainRows.filter((_, i) => i % step === 0);
  const trainScores = model.reconstructionError(takeRows(all, sampled), metric);
  const topIndices = Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, TOP_ANOMALIES);
  const topRows = topIndices.map((i) => shownRows[i]!);
  const images = inputs.data.imageShape !== null;
  const binary = labels !== null && labels.every((l) => l === 0 || l === 1) && new Set(labels).size === 2;
  return {
    topIndices,
    anomalies: {
      epoch: inputs.epoch,
      scores,
      metric,
      trainScores,
      rocAuc: binary ? rocAuc(labels, scores) : null,
      topRows,
      topScores: topIndices.map((i) => scores[i]!),
      topImages: images ? takeRows(all, topRows).data : null,
      topReconstructions: null,
    },
  };
}
