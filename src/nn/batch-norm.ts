/**
 * BatchNorm1d over [N, F] and BatchNorm2d over [N, C, H, W], as PyTorch's modules: learnable
 * `weight`/`bias` per feature or channel, buffers `running_mean`, `running_var` (unbiased batch
 * variance, momentum 0.1) and `num_batches_tracked` (stored as float32; PyTorch casts on load).
 * Training normalises with the batch statistics (biased variance), eval with the running ones.
 *
 * Composed from existing ops: per-feature means are GEMMs with a row of 1/N, and per-channel
 * values broadcast back over [N, C, H·W] with rank-1 GEMMs (outer products with ones), so no
 * extra kernel is needed and every backend runs it.
 */

import { add, addRow, affine, matmul, mul, mulRow, reshape, square, sub, sumCols, unary } from '../autograd/ops.js';
import { noGrad } from '../autograd/tape.js';
import { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { Module } from './module.js';

export interface BatchNormOptions {
  readonly eps?: number;
  readonly momentum?: number;
  readonly affine?: boolean;
}

abstract class BatchNormBase extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly features: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const persistent = { persistent: true } as const;
    const learn = options.affine !== false;
    this.weight = learn ? this.registerParameter('weight', Tensor.full([features], 1, persistent)) : null;
    this.bias = learn ? this.registerParameter('bias', Tensor.zeros([features], persistent)) : null;
    this.runningMean = this.registerBuffer('running_mean', Tensor.zeros([features], persistent));
    this.runningVar = this.registerBuffer('running_var', Tensor.full([features], 1, persistent));
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', Tensor.zeros([], persistent));
  }

  /** running ← (1 − m)·running + m·batch (variance made unbiased over `count` values). */
  protected track(mean: Tensor, variance: Tensor, count: number): void {
    if (count < 2) {
      throw new LatentError(
        `${this.constructor.name}: training needs more than 1 value per feature, got a batch of ${count}`,
        'use a batch size of 2 or more',
      );
    }
    noGrad(() => {
      const b = this.runningMean.backend;
      const m = this.momentum;
      b.affine(this.runningMean.data, 1 - m, 0, this.runningMean.data);
      b.axpy(this.runningMean.data, m, mean.data, this.runningMean.data);
      b.affine(this.runningVar.data, 1 - m, 0, this.runningVar.data);
      b.axpy(this.runningVar.data, (m * count) / (count - 1), variance.data, this.runningVar.data);
      b.affine(this.numBatchesTracked.data, 1, 1, this.numBatchesTracked.data);
    });
  }
}

/** 1/√(v + eps). */
function invStd(v: Tensor, eps: number): Tensor {
  return unary('reciprocal', unary('sqrt', affine(v, 1, eps)));
}

/** Shape: [N, F] → [N, F]. */
export class BatchNorm1d extends BatchNormBase {
  forward(x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.cols !== this.features) {
      throw new LatentError(`BatchNorm1d: expected input [batch, ${this.features}], got shape ${formatShape(x.shape)}`);
    }
    let y: Tensor;
    if (this.training) {
      const avg = Tensor.full([1, x.rows], 1 / x.rows);
      const mean = matmul(avg, x);
      const centered = addRow(x, affine(mean, -1));
      const variance = matmul(avg, square(centered));
      this.track(mean, variance, x.rows);
      y = mulRow(centered, invStd(variance, this.eps));
    } else {
      y = mulRow(addRow(x, affine(this.runningMean, -1)), invStd(this.runningVar, this.eps));
    }
    return this.weight && this.bias ? addRow(mulRow(y, this.weight), this.bias) : y;
  }
}

/** Per-channel means of x [N, C, H, W]: shape [1, C]. */
function channelMean(x: Tensor, n: number, c: number, plane: number): Tensor {
  const perMap = sumCols(reshape(x, [n * c, plane]));
  return matmul(Tensor.full([1, n], 1 / (n * plane)), reshape(perMap, [n, c]));
}

/** v [C] (any shape of C values) broadcast to [N, C, H, W]. */
function channelBroadcast(v: Tensor, shape: readonly number[]): Tensor {
  const [n, c, h, w] = shape as [number, number, number, number];
  const perSample = matmul(Tensor.full([n, 1], 1), reshape(v, [1, c]));
  return reshape(matmul(reshape(perSample, [n * c, 1]), Tensor.full([1, h * w], 1)), shape);
}

/** Shape: [N, C, H, W] → [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  forward(x: Tensor): Tensor {
    if (x.shape.length !== 4 || x.shape[1] !== this.features) {
      throw new LatentError(`BatchNorm2d: expected input [batch, ${this.features}, height, width], got shape ${formatShape(x.shape)}`);
    }
    const [n, c, h, w] = x.shape as [number, number, number, number];
    let y: Tensor;
    if (this.training) {
      const mean = channelMean(x, n, c, h * w);
      const centered = sub(x, channelBroadcast(mean, x.shape));
      const variance = channelMean(square(centered), n, c, h * w);
      this.track(mean, variance, n * h * w);
      y = mul(centered, channelBroadcast(invStd(variance, this.eps), x.shape));
    } else {
      const centered = sub(x, channelBroadcast(this.runningMean, x.shape));
      y = mul(centered, channelBroadcast(invStd(this.runningVar, this.eps), x.shape));
    }
    if (!this.weight || !this.bias) return y;
    return add(mul(y, channelBroadcast(this.weight, x.shape)), channelBroadcast(this.bias, x.shape));
  }
}
