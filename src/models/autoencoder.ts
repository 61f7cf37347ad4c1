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
import type { Activation } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { applyScaler, inverseScaler, type Scaler } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import { elementwiseLoss, perSampleLoss, reconstructionLoss, type LossName } from '../losses/reconstruction.js';
import { defaultAlpha } from '../nn/activations.js';
import { Module } from '../nn/module.js';
import type { Rng } from '../tensor/rng.js';
import type { ModelConfig } from './config.js';

/** Rows per chunk when running inference over large inputs (bounds memory). */
const INFERENCE_BATCH = 1024;

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

  /** Latent codes of the rows of `x` (scaled first when the model has a scaler). */
  encode(x: Matrix): Matrix {
    this.checkInput(x, this.inputDim, 'input');
    return this.mapRows(this.scale(x), this.latentDim, (batch) => this.encoder.forward(batch));
  }

  /** Reconstructions from latent codes (unscaled back to the data's units). */
  decode(codes: Matrix): Matrix {
    this.checkInput(codes, this.latentDim, 'codes');
    return this.unscale(this.mapRows(codes, this.inputDim, (batch) => this.activateOutput(this.decoder.forward(batch))));
  }

  reconstruct(x: Matrix): Matrix {
    this.checkInput(x, this.inputDim, 'input');
    return this.unscale(this.mapRows(this.scale(x), this.inputDim, (batch) => this.activateOutput(this.forward(batch))));
  }

  /** Per-sample reconstruction error in the model's (scaled) units, averaged over features. */
  reconstructionError(x: Matrix, metric: ErrorMetric = 'mse'): Float32Array {
    this.checkInput(x, this.inputDim, 'input');
    const scaled = this.scale(x);
    return this.mapRows(scaled, 1, (batch) => this.errorOfLogits(this.forward(batch), batch, metric)).data;
  }

  /**
   * Per-sample error [batch] of the decoder's `logits` for the scaled rows `batch`: the step of
   * `reconstructionError` after the network, shared with engines that run the network elsewhere.
   */
  errorOfLogits(logits: Tensor, batch: Tensor, metric: ErrorMetric): Tensor {
    return perSampleLoss(metric, metric === 'bce' ? this.lossReady(logits, 'bce') : this.activateOutput(logits), batch);
  }

  /** Per-feature squared errors [rows, inputDim] in scaled units (for per-feature scores). */
  featureErrors(x: Matrix): Matrix {
    this.checkInput(x, this.inputDim, 'input');
    return this.mapRows(this.scale(x), this.inputDim, (batch) => this.featureErrorsOfLogits(this.forward(batch), batch));
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

  /** Run `f` in eval mode over chunks of rows, copying each result out of backend storage. */
  protected mapRows(x: Matrix, outCols: number, f: (batch: Tensor) => Tensor): Matrix {
    const wasTraining = this.training;
    this.to(getBackend());
    this.eval();
    const out = new Float32Array(x.rows * outCols);
    try {
      noGrad(() => {
        for (let start = 0; start < x.rows; start += INFERENCE_BATCH) {
          const rows = Math.min(INFERENCE_BATCH, x.rows - start);
          scope(() => {
            const batch = Tensor.from(x.data.subarray(start * x.cols, (start + rows) * x.cols), [rows, x.cols]);
            out.set(f(batch).data.subarray(0, rows * outCols), start * outCols);
          });
        }
      });
    } finally {
      this.train(wasTraining);
    }
    return matrix(out, x.rows, outCols);
  }

  private checkInput(x: Matrix, expected: number, what: string): void {
    if (x.cols !== expected) {
      throw new LatentError(
        `${what} has ${x.cols} features per row, the model expects ${expected}`,
        what === 'codes'
          ? `pass codes of size ${expected} (the model's latent size)`
          : 'use data with the same columns as the training data',
      );
    }
  }
}
