export { heldOutRows, splitIndices, splitValidation, takeRows, validationIndices } from './batches.js';
export { corrupt, formatCorruption, parseCorruption, type Corruption } from './corruption.js';
export {
  chooseLoss,
  dataDefaults,
  defaultHidden,
  defaultLatent,
  defaultLoss,
  defaultScaler,
  inUnitInterval,
  type DataDefaults,
} from './defaults.js';
export { TrainingDivergedError } from './diverged.js';
export { AUTO_BUDGET, budgetFitOptions, type BudgetFitOptions, type TrainingBudget } from './budget.js';
export { describeStop } from './stop-reason.js';
export { isValidationRow, prepareStream, type StreamedRows, type StreamSplitOptions } from './stream-batches.js';
export { evaluateLoss, fit, type EarlyStopping, type FitOptions } from './trainer.js';
export type { BatchLog, EpochLog, History, StopReason, TrainingState } from './types.js';
