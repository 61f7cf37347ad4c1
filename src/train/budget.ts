/**
 * The automatic training budget: how long training runs when nobody gives an epoch count.
 *
 * Training runs until the validation loss stops improving (early stopping; the best epoch's
 * weights are kept), with three guards that make the rule hold on data of any size:
 * - it never stops before `minSteps` optimizer steps, so a small table (a few batches per epoch,
 *   a noisy validation loss) is not stopped while the model is still far from converged;
 * - it never stops before `minEpochs` epochs, so a large table sees every row several times;
 * - patience is counted in optimizer steps (`patienceSteps`), turned into epochs for the data at
 *   hand but never fewer than `minPatience` epochs: a few hundred steps without improvement mean
 *   the same on 200 rows as on 200,000;
 * - `maxSteps` bounds the run on any data, and `maxSeconds` (optional) caps its wall time.
 *
 * `fit` itself knows nothing of budgets: `budgetFitOptions` turns one into plain `fit` options
 * (epochs and early stopping), so a checkpoint resumes the same rule.
 */

import { LatentError } from '../errors.js';
import type { EarlyStopping } from './trainer.js';

export interface TrainingBudget {
  /** Optimizer steps before early stopping may end training. */
  readonly minSteps: number;
  /** Epochs before early stopping may end training. */
  readonly minEpochs: number;
  /** Optimizer steps without a better validation loss that end training. */
  readonly patienceSteps: number;
  /** Patience never shorter than this many epochs. */
  readonly minPatience: number;
  /** An improvement must beat the best validation loss by this fraction of it. */
  readonly minRelativeDelta: number;
  /** Upper bound on optimizer steps (whole epochs; at least `minEpochs`). */
  readonly maxSteps: number;
  /** Wall-time cap in seconds (none by default). */
  readonly maxSeconds?: number;
}

/**
 * The default budget, chosen by leave-one-dataset-out over the shared tabular sets
 * (bench/select-defaults.ts); see the README's table for what it gives on each.
 */
export const AUTO_BUDGET: TrainingBudget = {
  minSteps: 1000,
  minEpochs: 5,
  patienceSteps: 500,
  minPatience: 3,
  minRelativeDelta: 1e-3,
  maxSteps: 30_000,
};

/** The `fit` options a budget stands for, on `trainRows` training rows in batches of `batchSize`. */
export interface BudgetFitOptions {
  readonly epochs: number;
  readonly earlyStopping: EarlyStopping;
  readonly maxSeconds?: number;
}

/**
 * Epochs and early stopping for `budget` on `trainRows` rows.
 *
 * @example
 * budgetFitOptions(AUTO_BUDGET, 1648, 64).earlyStopping.patience; // 20 (26 batches per epoch)
 */
export function budgetFitOptions(budget: TrainingBudget, trainRows: number, batchSize: number): BudgetFitOptions {
  checkBudget(budget);
  const perEpoch = Math.max(1, Math.ceil(trainRows / batchSize));
  const epochs = Math.max(budget.minEpochs, Math.ceil(budget.maxSteps / perEpoch));
  return {
    epochs,
    earlyStopping: {
      patience: Math.max(budget.minPatience, Math.ceil(budget.patienceSteps / perEpoch)),
      minRelativeDelta: budget.minRelativeDelta,
      restoreBestWeights: true,
      minSteps: budget.minSteps,
      minEpochs: budget.minEpochs,
    },
    ...(budget.maxSeconds === undefined ? {} : { maxSeconds: budget.maxSeconds }),
  };
}

/** Throws naming the first field of `budget` that is not a usable number. */
function checkBudget(budget: TrainingBudget): void {
  const whole: Array<keyof TrainingBudget> = ['minSteps', 'minEpochs', 'patienceSteps', 'minPatience', 'maxSteps'];
  for (const key of whole) {
    const v = budget[key];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
      throw new LatentError(`training budget: ${key} ${String(v)} must be a whole number ≥ 0`, `e.g. ${key}: ${AUTO_BUDGET[key]}`);
    }
  }
  if (!(budget.minRelativeDelta >= 0 && budget.minRelativeDelta < 1)) {
    throw new LatentError(`training budget: minRelativeDelta ${budget.minRelativeDelta} must be in [0, 1)`, 'e.g. 0.001');
  }
  if (budget.maxSeconds !== undefined && !(budget.maxSeconds > 0)) {
    throw new LatentError(`training budget: maxSeconds ${budget.maxSeconds} must be above 0`, 'e.g. maxSeconds: 600 for ten minutes');
  }
}
