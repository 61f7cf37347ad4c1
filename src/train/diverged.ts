/**
 * TrainingDivergedError: the loss became NaN or infinite. The model already holds weights that
 * gave a finite loss, those from just before a recent step (at most ROLLBACK_INTERVAL steps back,
 * see trainer.ts); the error names the failing epoch and step, the step the kept weights come
 * from, and carries the history.
 */

import { LatentError } from '../errors.js';
import type { History } from './types.js';

export class TrainingDivergedError extends LatentError {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
    readonly history: History,
    /** Epoch and step (0-based) whose starting weights the model kept; null when none was taken yet. */
    readonly keptFrom: { readonly epoch: number; readonly step: number } | null = null,
  ) {
    super(
      `training diverged: the loss became ${value} at epoch ${epoch + 1}, step ${step + 1}; ` +
        (keptFrom === null
          ? 'no step had been taken, so the model keeps its starting weights'
          : `the model keeps the weights from before epoch ${keptFrom.epoch + 1}, step ${keptFrom.step + 1}, which gave a finite loss`),
      'lower the learning rate (--lr), scale the data (--scale standard) or clip gradients (--clip-norm 1)',
    );
  }
}
