/**
 * The training summary stored in a model file, built from a run's `History`. Epoch numbers in the
 * summary count from 1, as people read them; `History` counts from 0.
 */

import type { TrainingSummary } from './model-io.js';
import type { History } from '../train/types.js';

export interface SummaryInput {
  readonly history: History;
  /** Rows of the training data (before the validation split). */
  readonly samples: number;
  readonly seconds: number;
  readonly backend: string;
  /** The data as the user named it (a path or a built-in name). */
  readonly source: string;
  /** Feature names, so decoded output can carry the training data's header. */
  readonly columns?: readonly string[];
  /** The options training ran with, after defaults were filled in. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Set when training stopped because the loss became NaN or infinite. */
  readonly diverged?: boolean;
}

/**
 * Summarise a finished (or diverged) run.
 *
 * @example
 * saveModel(path, model, { training: trainingSummary({ history, samples: x.rows, seconds, backend: 'js', source, options }) });
 */
export function trainingSummary(input: SummaryInput): TrainingSummary {
  const { history } = input;
  const last = history.epochs.at(-1);
  const best = history.bestEpoch === null ? undefined : history.epochs.find((e) => e.epoch === history.bestEpoch);
  return {
    epochs: history.epochs.length,
    loss: history.loss,
    finalLoss: last?.loss ?? null,
    finalValLoss: last?.valLoss ?? null,
    samples: input.samples,
    seconds: Math.round(input.seconds * 1000) / 1000,
    backend: input.backend,
    bestEpoch: history.bestEpoch === null ? null : history.bestEpoch + 1,
    bestValLoss: best?.valLoss ?? null,
    stoppedEarly: history.stoppedEarly,
    ...(input.diverged ? { diverged: true } : {}),
    source: input.source,
    ...(input.columns ? { columns: [...input.columns] } : {}),
    options: { ...input.options },
    lossCurve: history.epochs.map((e) => e.loss),
    valLossCurve: history.epochs.map((e) => e.valLoss),
  };
}
