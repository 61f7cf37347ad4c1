/**
 * What training reports and keeps: per-epoch logs, the history, progress events, and the state a
 * checkpoint needs to continue exactly where training stopped.
 */

import type { LossName } from '../losses/reconstruction.js';
import type { ScheduleState } from '../optim/schedules.js';
import type { RngState } from '../tensor/rng.js';

export interface EpochLog {
  /** 0-based epoch index. */
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number | null;
  /** Named loss parts averaged over the epoch (reconstruction, kl, penalty ...). */
  readonly terms: Readonly<Record<string, number>>;
  readonly lr: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface BatchLog {
  readonly epoch: number;
  readonly epochs: number;
  /** 0-based batch index within the epoch. */
  readonly batch: number;
  readonly batches: number;
  /** Running mean loss over the epoch so far. */
  readonly loss: number;
  readonly samplesPerSecond: number;
  /** Estimated seconds until training ends. */
  readonly etaSeconds: number;
}

export interface History {
  readonly epochs: EpochLog[];
  readonly loss: LossName;
  /** Epoch whose weights the model holds at the end (differs from the last with restoreBestWeights). */
  bestEpoch: number | null;
  stoppedEarly: boolean;
  /** Why training ended (see `StopReason`). */
  stopReason: StopReason;
}

/**
 * Why training ended: `epochs` — it ran every epoch asked for; `converged` — the monitored loss
 * stopped improving (early stopping); `time` — the wall-time cap was reached; `callback` — an
 * `onEpochEnd` callback asked to stop.
 */
export type StopReason = 'epochs' | 'converged' | 'time' | 'callback';

/** Everything needed to continue training bit for bit. Tensors by name, scalars as JSON. */
export interface TrainingState {
  /** Epochs completed. */
  readonly epoch: number;
  readonly optimizerSteps: number;
  readonly optimizerState: ReadonlyMap<string, Float32Array>;
  readonly shuffleRng: RngState;
  readonly noiseRng: RngState;
  readonly corruptionRng: RngState;
  readonly schedule: ScheduleState;
  readonly lr: number;
  readonly earlyStopping: { readonly best: number; readonly wait: number; readonly bestEpoch: number | null };
  readonly bestWeights: ReadonlyMap<string, Float32Array> | null;
  readonly history: readonly EpochLog[];
}
