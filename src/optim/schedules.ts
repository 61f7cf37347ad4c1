/**
 * Learning-rate schedules, applied once per epoch by the trainer. Each maps (epoch, base lr,
 * validation loss) to the lr for the next epoch; reduce-on-plateau keeps a little state, which
 * `state()`/`restore()` carry through checkpoints.
 */

import { LatentError } from '../errors.js';

export type ScheduleConfig =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly stepSize: number; readonly gamma: number }
  | { readonly kind: 'exponential'; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly epochs: number; readonly minLr?: number }
  | { readonly kind: 'plateau'; readonly factor: number; readonly patience: number; readonly minLr?: number; readonly threshold?: number };

export interface ScheduleState {
  best: number;
  badEpochs: number;
  lr: number;
}

export class LrSchedule {
  private state: ScheduleState;

  constructor(
    readonly config: ScheduleConfig,
    readonly baseLr: number,
  ) {
    this.state = { best: Infinity, badEpochs: 0, lr: baseLr };
  }

  /** The learning rate for the epoch after `epoch` (0-based) ended with `monitored` loss. */
  next(epoch: number, monitored: number): number {
    const c = this.config;
    const done = epoch + 1;
    switch (c.kind) {
      case 'constant':
        this.state.lr = this.baseLr;
        break;
      case 'step':
        this.state.lr = this.baseLr * Math.pow(c.gamma, Math.floor(done / c.stepSize));
        break;
      case 'exponential':
        this.state.lr = this.baseLr * Math.pow(c.gamma, done);
        break;
      case 'cosine': {
        const minLr = c.minLr ?? 0;
        const t = Math.min(done, c.epochs) / c.epochs;
        this.state.lr = minLr + 0.5 * (this.baseLr - minLr) * (1 + Math.cos(Math.PI * t));
        break;
      }
      case 'plateau': {
        const threshold = c.threshold ?? 1e-4;
        if (monitored < this.state.best * (1 - threshold)) {
          this.state.best = monitored;
          this.state.badEpochs = 0;
        } else if (++this.state.badEpochs > c.patience) {
          this.state.lr = Math.max(this.state.lr * c.factor, c.minLr ?? 0);
          this.state.badEpochs = 0;
        }
        break;
      }
    }
    return this.state.lr;
  }

  saveState(): ScheduleState {
    return { ...this.state };
  }

  restore(state: ScheduleState): void {
    this.state = { ...state };
  }
}

/**
 * Parse `step:10:0.5`, `exponential:0.95`, `cosine`, `cosine:EPOCHS`, `plateau:0.5:3`, `constant`.
 * A bare `cosine` spans `epochs` (the run's epoch count); give the period explicitly to resume a
 * cosine schedule exactly from a checkpoint.
 */
export function parseSchedule(text: string, epochs: number): ScheduleConfig {
  const [kind, a, b] = text.split(':');
  const num = (value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new LatentError(`--lr-schedule "${text}": "${value}" is not a number`);
    return n;
  };
  switch (kind) {
    case 'constant':
      return { kind: 'constant' };
    case 'step':
      return { kind: 'step', stepSize: num(a, 10), gamma: num(b, 0.5) };
    case 'exponential':
      return { kind: 'exponential', gamma: num(a, 0.95) };
    case 'cosine': {
      const period = num(a, epochs);
      if (!(Number.isInteger(period) && period >= 1))
        throw new LatentError(`--lr-schedule "${text}": the cosine period must be a whole number of epochs ≥ 1`);
      return { kind: 'cosine', epochs: period };
    }
    case 'plateau':
      return { kind: 'plateau', factor: num(a, 0.5), patience: num(b, 3) };
    default:
      throw new LatentError(
        `unknown learning-rate schedule "${text}"`,
        'use constant, step:SIZE:GAMMA, exponential:GAMMA, cosine, cosine:EPOCHS or plateau:FACTOR:PATIENCE',
      );
  }
}
