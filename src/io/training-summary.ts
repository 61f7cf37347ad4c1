/**
 * The training summary stored in a model file, built from a run's `History`, and read back. Epoch
 * numbers in the summary count from 1, as people read them; `History` counts from 0.
 *
 * `columns` holds the feature names of the training data, in order; when that data was a CSV/TSV
 * file they are the header's names, so later data can be matched to the model by name.
 */

import { isDelimitedTextPath } from '../data/file-format.js';
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
  /** Feature names in order, so decoded output carries the header and later CSVs are read by name. */
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
    stopReason: history.stopReason,
    ...(input.diverged ? { diverged: true } : {}),
    source: input.source,
    ...(input.columns ? { columns: [...input.columns] } : {}),
    options: { ...input.options },
    lossCurve: history.epochs.map((e) => e.loss),
    valLossCurve: history.epochs.map((e) => e.valLoss),
  };
}

/**
 * The named feature columns a model was trained on: the stored `columns` when the training data
 * was a CSV/TSV file, else undefined (arrays and images have positions, not names).
 *
 * @example
 * trainedCsvColumns(loadModel('m.safetensors').training); // ['age', 'income'] for a model trained on people.csv
 */
export function trainedCsvColumns(summary: Readonly<Record<string, unknown>> | null): string[] | undefined {
  if (summary === null) return undefined;
  const { source, columns } = summary;
  if (typeof source !== 'string' || !isDelimitedTextPath(source)) return undefined;
  if (!Array.isArray(columns) || columns.length === 0 || !columns.every((c): c is string => typeof c === 'string')) return undefined;
  return [...columns];
}
