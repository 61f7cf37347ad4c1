/**
 * `reductionQuality` (explained-variance.ts) for data read in chunks: the mean reconstruction error
 * per feature and the fraction of variance it leaves explained, accumulated in float64 so the
 * result does not depend on the chunk size beyond rounding.
 */

import type { Matrix } from '../data/matrix.js';
import { RunningMoments } from '../data/running-moments.js';
import { applyScaler } from '../data/scaler.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { ReductionQuality } from './explained-variance.js';

export class ReductionQualityAccumulator {
  private errorSum = 0;
  private rows = 0;
  private readonly moments: RunningMoments;

  constructor(private readonly model: Autoencoder) {
    this.moments = new RunningMoments(model.inputDim);
  }

  /**
   * Add a chunk of rows (in the data's units).
   *
   * @example
   * const quality = new ReductionQualityAccumulator(model);
   * for await (const chunk of source.chunks()) quality.add(chunk.x);
   * quality.result(); // { error, explained }
   */
  add(x: Matrix): void {
    const errors = this.model.reconstructionError(x);
    for (let i = 0; i < errors.length; i++) this.errorSum += errors[i]!;
    this.rows += x.rows;
    this.moments.add(this.model.scaler === null ? x : applyScaler(this.model.scaler, x));
  }

  result(): ReductionQuality {
    const error = this.errorSum / this.rows;
    const variance = this.moments.variance();
    let total = 0;
    for (const v of variance) total += v;
    return { error, explained: 1 - error / (total / variance.length) };
  }
}
