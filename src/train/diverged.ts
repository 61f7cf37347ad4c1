/**
 * TrainingDivergedError: the loss became NaN or infinite. The model already holds the last
 * weights that gave a finite loss; the error names the epoch and step and carries the history.
 */

import { LatentError } from '../errors.js';
import type { History } from './types.js';

export class TrainingDivergedError extends LatentError {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
    readonly history: History,
  ) {
    super(
      `training diverged: the loss became ${value} at epoch ${epoch + 1}, step ${step + 1}; the model keeps the last weights that gave a finite loss`,
      'lower the learning rate (--lr), scale the data (--scale standard) or clip gradients (--clip-norm 1)',
    );
  }
}
