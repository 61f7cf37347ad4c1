/**
 * Autoencoder: what every family shares. A family supplies `encoder`, `decoder` and its config;
 * this class gives the public API on plain matrices (encode, decode, reconstruct, per-sample
 * errors), the scaler stored with the model, and the training objective the trainer calls.
 *
 * The decoder ends in logits when the output activation is sigmoid, so BCE can fuse the sigmoid;
 * `reconstruct` applies the output activation.
 */

import { activation } from '../autograd/ops.js';
import { noGrad } from '../autograd/tape.js';
import { scope, Tensor } from '../autograd/tensor.js';
import type { Activation, Backend } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { applyScaler, inverseScaler, type Scaler } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import { elementwiseLoss, perSampleLoss, reconstructionLoss, type LossName } from '../losses/reconstruction.js';
import { defaultAlpha } from '../nn/activations.js';
import { Module } from '../nn/module.js';
import type { Rng } from '../tensor/rng.js';
import type { ModelConfig } from './config.js';
import { PlacedMatrix } from './placed-matrix.js';

/** Rows per chunk when running inference over large inputs (bounds memory). */
const INFERENCE_BATCH = 1024;

/**
 * Rows a model reads: a plain matrix (copied into backend memory batch by batch), or rows placed
 * in backend memory once with `place` (read where they lie, no copy).
 */
export type ModelInput = Matrix | PlacedMatrix;

export interface Objective {
  /** The scalar to minimise. */
  readonly loss: Tensor;
  /** Named parts of the loss for reporting (e.g. reconstruction, kl), as numbers. */
  readonly terms: Readonly<Record<string, number>>;
}

export type ErrorMetric = 'mse' | 'mae' | 'bce';

export abstract class Autoencoder extends Module {
  abstract readonly config: ModelConfig;
  abstract readonly encoder: Module;
  abstract readonly decoder: Module;
  /** Drives dropout and other in-model noise; its state goes into checkpoints. */
  abstract readonly noiseRng: Rng;
  /** Scaling applied to inputs before the network (and undone on reconstructions). */
  scaler: Scaler | null = null;

  abstract get inputDim(): number;
  abstract get latentDim(): number;
  abstract get outputActivation(): Activation;

  forward(x: Tensor): Tensor {
    return this.decoder.forward(this.encoder.forward(x));
  }

  /** Decoder output passed through the output activation. */
  protected activateOutput(logits: Tensor): Tensor {
    return this.outputActivation === 'identity' ? logits : activation(logits, this.outputActivation, defaultAlpha(this.outputActivation));
  }

  /**
   * The training objective for a batch: `input` may be corrupted (denoising), `target` is clean.
   * Families with penalties (sparse, contractive, variational) extend it.
   */
  objective(input: Tensor, target: Tensor, loss: LossName): Objective {
    const output = this.lossReady(this.forward(input), loss);
    const value = reconstructionLoss(loss, output, target);
    return { loss: value, terms: { reconstruction: value.item() } };
  }

  /** BCE consumes logits; other losses compare activated outputs. */
  protected lossReady(logits: Tensor, loss: LossName): Tensor {
    if (loss === 'bce') {
      if (this.outputActivation !== 'sigmoid') {
        throw new LatentError('binary cross-entropy needs a sigmoid output', 'use --output-activation sigmoid, or --loss mse');
      }
      return logits;
    }
    return this.activateOutput(logits);
  }

  /**
   * Latent codes of the rows of `x` (scaled first when the model has a scaler). `x` may be rows
   * placed in backend memory (`place`), or a slice of them: they are then read without a copy.
   *
   * @example
   * const codes = model.encode(x);                     // x.rows × latentDim
   * const some = model.encode(place(x).slice(0, 1000)); // rows 0..999, read in place
   */
  encode(x: ModelInput): Matrix {
    this.checkInput(x, this.inputDim, 'input');
    return this.mapScaledRows(x, this.latentDim, (batch) => this.encoder.forward(batch));
  }

  /** Reconstructions from latent codes (unscaled back to the data's units). */
  decode(codes: ModelInput): Matrix {
    this.checkInput(codes, this.latentDim, 'codes');
    return this.unscale(this.mapRows(codes, this.inputDim, (batch) => this.activateOutput(this.decoder.forward(batch))));
  }

  /** Reconstructions of the rows of `x` in the data's units (`x` may be placed rows, see `encode`). */
  reconstruct(x: ModelInput): Matrix {
    this.checkInput(x, this.inputDim, 'input');
    return this.unscale(this.mapScaledRows(x, this.inputDim, (batch) => this.activateOutput(this.forward(batch))));
  }

  /**
   * Per-sample reconstruction error in the model's (scaled) units, averaged over features (`x`
   * may be placed rows, see `encode`).
   */
  reconstructionError(x: ModelInput, metric: ErrorMetric = 'mse'): Float32Array {
    this.checkInput(x, this.inputDim, 'input');
    return this.mapScaledRows(x, 1, (batch) => this.errorOfLogits(this.forward(batch), batch, metric)).data;
  }

  /**
   * Per-sample error [batch] of the decoder's `logits` for the scaled rows `batch`: the step of
   * `reconstructionError` after the network, shared with engines that run the network elsewhere.
   */
  errorOfLogits(logits: Tensor, batch: Tensor, metric: ErrorMetric): Tensor {
    return perSampleLoss(metric, metric === 'bce' ? this.lossReady(logits, 'bce') : this.activateOutput(logits), batch);
  }

  /** Per-feature squared errors [rows, inputDim] in scaled units (for per-feature scores). */
  featureErrors(x: ModelInput): Matrix {
    this.checkInput(x, this.inputDim, 'input');
    return this.mapScaledRows(x, this.inputDim, (batch) => this.featureErrorsOfLogits(this.forward(batch), batch));
  }

  /** Per-feature squared errors of the decoder's `logits` for the scaled rows `batch` (see `errorOfLogits`). */
  featureErrorsOfLogits(logits: Tensor, batch: Tensor): Tensor {
    return elementwiseLoss('mse', this.activateOutput(logits), batch);
  }

  scale(x: Matrix): Matrix {
    return this.scaler && this.scaler.kind !== 'none' ? applyScaler(this.scaler, x) : x;
  }

  unscale(x: Matrix): Matrix {
    return this.scaler && this.scaler.kind !== 'none' ? inverseScaler(this.scaler, x) : x;
  }

  /** `mapRows` over the rows of `x` after the model's scaler (applied on the backend for placed rows). */
  protected mapScaledRows(x: ModelInput, outCols: number, f: (batch: Tensor) => Tensor): Matrix {
    if (!(x instanceof PlacedMatrix)) return this.mapRows(this.scale(x), outCols, f);
    const scaler = this.scaler && this.scaler.kind !== 'none' ? this.scaler : null;
    return this.mapRows(x, outCols, f, scaler);
  }

  /**
   * Run `f` in eval mode over chunks of rows, copying each result out of backend storage. Plain
   * rows are copied into backend memory a chunk at a time; placed rows are read where they lie,
   * through `scaler` when one is given (`x * scale + shift` per column, in one kernel pass).
   */
  protected mapRows(x: ModelInput, outCols: number, f: (batch: Tensor) => Tensor, scaler: Scaler | null = null): Matrix {
    const wasTraining = this.training;
    const backend = getBackend();
    this.to(backend);
    this.eval();
    const out = new Float32Array(x.rows * outCols);
    try {
      noGrad(() =>
        scope(() => {
          const rowsOf = rowReader(x, backend, scaler);
          for (let start = 0; start < x.rows; start += INFERENCE_BATCH) {
            const rows = Math.min(INFERENCE_BATCH, x.rows - start);
            scope(() => {
              out.set(f(rowsOf(start, rows)).data.subarray(0, rows * outCols), start * outCols);
            });
          }
        }),
      );
    } finally {
      this.train(wasTraining);
    }
    return matrix(out, x.rows, outCols);
  }

  private checkInput(x: ModelInput, expected: number, what: string): void {
    if (x.cols !== expected) {
      const placed = x instanceof PlacedMatrix ? 'placed ' : '';
      throw new LatentError(
        `${placed}${what} has ${x.cols} features per row, the model expects ${expected}`,
        what === 'codes'
          ? `pass codes of size ${expected} (the model's latent size)`
          : `use data with the same columns as the training data${placed ? ' (place rows of that width)' : ''}`,
      );
    }
  }
}

/**
 * The batch reader of `mapRows`: `(start, rows)` → a [rows, cols] tensor on `backend`, made in the
 * caller's scope. Plain rows are copied in; placed rows are a view, or one scaling pass over it.
 */
function rowReader(x: ModelInput, backend: Backend, scaler: Scaler | null): (start: number, rows: number) => Tensor {
  if (!(x instanceof PlacedMatrix)) {
    return (start, rows) => Tensor.from(x.data.subarray(start * x.cols, (start + rows) * x.cols), [rows, x.cols]);
  }
  // Fail before any work when the rows were released or live on another backend.
  x.rowsTensor(0, 0, backend);
  if (scaler === null) return (start, rows) => x.rowsTensor(start, rows, backend);
  // (v - offset) * scale as one multiply-add per value: v * scale + (-offset * scale).
  const scale = Tensor.from(scaler.scale, [x.cols]);
  const shift = Tensor.from(
    scaler.offset.map((offset, c) => -offset * (scaler.scale[c] as number)),
    [x.cols],
  );
  return (start, rows) => {
    const scaled = Tensor.empty([rows, x.cols]);
    backend.columnAffine(x.rowsTensor(start, rows, backend).data, scale.data, shift.data, rows, x.cols, scaled.data);
    return scaled;
  };
}
