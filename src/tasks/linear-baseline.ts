/**
 * The linear baseline of dimensionality reduction, as an autoencoder: PCA with k components is
 * exactly a dense autoencoder with no hidden layer and identity activations whose encoder holds
 * the principal axes (code = C·(z − m)) and whose decoder holds their transpose (ẑ = Cᵀ·code + m).
 *
 * Why: where k is close to the feature count, or the data are nearly linear, a non-linear
 * autoencoder trained by gradient descent ends short of PCA's exact optimum, and on rows it did
 * not see it can rebuild far worse. The default reducer therefore keeps the non-linear model only
 * when it beats this baseline clearly (by `MARGIN`) on the validation rows the autoencoder did
 * not train on, without rebuilding any of them much worse (`WORST_ROW_FACTOR`): a choice by
 * measurement, made per data set. The margin is there because a validation split of a small
 * table holds a few dozen rows: on a small difference it picks the wrong model about as often as
 * the right one, and the non-linear model's failures off the training rows are the larger ones.
 *
 * With fewer training rows than `ROWS_PER_FEATURE` times the features, PCA is kept outright: a
 * few hundred rows of 512 embedding features cannot pin down a non-linear map, and a validation
 * split of a few dozen of them cannot show where it breaks. On MVTec-AD embeddings (about 300
 * training rows × 512 features), models that passed the validation test rebuilt held-out rows up
 * to 14,500× worse than PCA (bench/reduction-holdout.ts --data ../shared/data/adbench-embeddings).
 *
 * The baseline that is kept is PCA fitted on every row. The chosen model is an ordinary dense
 * autoencoder either way (same file format, ONNX export and PyTorch hand-off).
 *
 * Invariant: the baseline shares the trained model's scaler, so both are compared (and later
 * used) in the same scaled units.
 */

import type { Matrix } from '../data/matrix.js';
import { applyScaler, fitScaler } from '../data/scaler.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { denseConfig } from '../models/config.js';
import { DenseAutoencoder } from '../models/dense.js';
import { takeRows } from '../train/batches.js';
import { meanOf } from './explained-variance.js';
import { Pca } from './pca.js';

/**
 * The dense autoencoder equal to PCA with `k` components fitted on `x` in the scaled units of
 * `like` (whose scaler it copies, or with `refitScaler` replaces by one of the same kind fitted on `x`).
 *
 * @example
 * const linear = pcaAutoencoder(trainRows, 4, model);
 * linear.reconstruct(rows); // PCA's reconstruction with 4 components
 */
export function pcaAutoencoder(x: Matrix, k: number, like: Autoencoder, refitScaler = false): DenseAutoencoder {
  const d = x.cols;
  const scaler = refitScaler && like.scaler !== null ? fitScaler(like.scaler.kind, x) : like.scaler;
  const scaled = scaler === null || scaler.kind === 'none' ? x : applyScaler(scaler, x);
  const pca = new Pca({ nComponents: k }).fit(scaled);
  const components = pca.components.data;
  const mean = pca.mean;
  const model = new DenseAutoencoder(
    denseConfig({ inputDim: d, hidden: [], latentDim: k, activation: 'identity', outputActivation: 'identity', seed: like.config.seed }),
  );
  model.scaler = scaler;
  const state = model.stateDict();
  const tensor = (name: string): Float32Array => {
    const t = state.get(name);
    if (t === undefined) throw new Error(`linear baseline: no tensor ${name}`);
    return t.data;
  };
  const encoderWeight = tensor('encoder.0.weight'); // [k, d]
  const encoderBias = tensor('encoder.0.bias'); // [k]
  const decoderWeight = tensor('decoder.0.weight'); // [d, k]
  const decoderBias = tensor('decoder.0.bias'); // [d]
  for (let i = 0; i < k; i++) {
    let shift = 0;
    for (let j = 0; j < d; j++) {
      const c = components[i * d + j]!;
      encoderWeight[i * d + j] = c;
      decoderWeight[j * k + i] = c;
      shift += c * mean[j]!;
    }
    encoderBias[i] = -shift;
  }
  for (let j = 0; j < d; j++) decoderBias[j] = mean[j]!;
  model.eval();
  return model;
}

/** The autoencoder must rebuild the validation rows at least this much better than PCA to be kept. */
const MARGIN = 0.1;
/** …and rebuild its worst validation row no worse than this many times PCA's worst. */
const WORST_ROW_FACTOR = 1.5;
/** Below this many training rows per feature the trained model is not kept. */
const ROWS_PER_FEATURE = 2;

/** Which model a reducer kept, and the validation MSE of each. */
export interface LinearChoice {
  readonly model: Autoencoder;
  readonly kept: 'autoencoder' | 'linear';
  readonly autoencoderMse: number;
  readonly linearMse: number;
}

/**
 * `trained`, or PCA as a linear autoencoder unless `trained` rebuilds the held-out rows `heldOut`
 * of `x` clearly better (mean squared error in scaled units; both judged by PCA fitted on the
 * other rows, as the autoencoder was trained).
 *
 * @example
 * const { model, kept } = preferLinearIfBetter(model, x, trainRows, heldOut);
 */
export function preferLinearIfBetter(trained: Autoencoder, x: Matrix, trainRows: Uint32Array, heldOut: Uint32Array): LinearChoice {
  const judge = pcaAutoencoder(takeRows(x, trainRows), trained.latentDim, trained);
  const validation = takeRows(x, heldOut);
  const autoencoderErrors = trained.reconstructionError(validation, 'mse');
  const linearErrors = judge.reconstructionError(validation, 'mse');
  const autoencoderMse = meanOf(autoencoderErrors);
  const linearMse = meanOf(linearErrors);
  const clearlyBetter = autoencoderMse < (1 - MARGIN) * linearMse;
  const noWildRow = maxOf(autoencoderErrors) <= WORST_ROW_FACTOR * maxOf(linearErrors);
  const enoughRows = trainRows.length >= ROWS_PER_FEATURE * x.cols;
  if (clearlyBetter && noWildRow && enoughRows) return { model: trained, kept: 'autoencoder', autoencoderMse, linearMse };
  // The kept baseline is PCA of every row, scaled by a scaler of the same kind fitted on every row.
  return { model: pcaAutoencoder(x, trained.latentDim, trained, true), kept: 'linear', autoencoderMse, linearMse };
}

function maxOf(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, v);
  return m;
}
