/**
 * Progress for training that a task runs (detector, series scorer, denoiser, sweep): the task
 * picks the epoch count itself, so the progress display is created on the first batch report,
 * which carries the total. Same output as `latent train` (a bar on a terminal, one line per epoch
 * elsewhere, nothing with --quiet).
 */

import type { BatchLog, EpochLog, History } from '../../train/types.js';
import type { Io } from '../io.js';
import { createProgress, type Progress } from '../progress.js';

/** Trainer callbacks to pass in a task's fit options, plus `stop` for error paths. */
export interface TaskProgress {
  readonly onBatchEnd: (log: BatchLog) => void;
  readonly onEpochEnd: (log: EpochLog, history: History) => void;
  stop(): void;
}

/**
 * Progress callbacks for a training run whose epoch count is not known in advance. Each new run
 * (a sweep trains several) starts a fresh display when its first epoch begins.
 *
 * @example
 * const progress = taskProgress(io, quiet);
 * await detector.fit(x, { onBatchEnd: progress.onBatchEnd, onEpochEnd: progress.onEpochEnd });
 */
export function taskProgress(io: Io, quiet: boolean): TaskProgress {
  let current: Progress | null = null;
  let lastEnded = -1;
  return {
    onBatchEnd: (log) => {
      if (quiet) return;
      // Epochs only increase within a run: an epoch number already seen means a new run began.
      // The trainer always reports an epoch's last batch, so this runs before each onEpochEnd.
      if (current === null || log.epoch <= lastEnded) {
        current = createProgress(io, { quiet, epochs: log.epochs });
        lastEnded = -1;
      }
      current.onBatchEnd(log);
    },
    onEpochEnd: (log, history) => {
      lastEnded = log.epoch;
      current?.onEpochEnd(log, history);
    },
    stop: () => current?.stop(),
  };
}
