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

const SCHEDULE_SYNTAX = 'use constant, step:SIZE:GAMMA, exponential:GAMMA, cosine, cosine:EPOCHS or plateau:FACTOR:PATIENCE';

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
    if (value.trim() === '' || !Number.isFinite(n))
      throw new LatentError(`--lr-schedule "${text}": "${value}" is not a number`, SCHEDULE_SYNTAX);
    return n;
  };
  // A bad parameter is refused here, not met as a NaN or frozen learning rate epochs later.
  const check = (ok: boolean, what: string, example: string): void => {
    if (!ok) throw new LatentError(`--lr-schedule "${text}": ${what}`, `for example --lr-schedule ${example}`);
  };
  switch (kind) {
    case 'constant':
      return { kind: 'constant' };
    case 'step': {
      const stepSize = num(a, 10);
      const gamma = num(b, 0.5);
      check(Number.isInteger(stepSize) && stepSize >= 1, 'the step size must be a whole number of epochs ≥ 1', 'step:10:0.5');
      check(gamma > 0, 'the factor GAMMA must be above 0', 'step:10:0.5');
      return { kind: 'step', stepSize, gamma };
    }
    case 'exponential': {
      const gamma = num(a, 0.95);
      check(gamma > 0, 'the factor GAMMA must be above 0', 'exponential:0.95');
      return { kind: 'exponential', gamma };
    }
    case 'cosine': {
      const period = num(a, epochs);
      check(Number.isInteger(period) && period >= 1, 'the cosine period must be a whole number of epochs ≥ 1', 'cosine:20');
      return { kind: 'cosine', epochs: period };
    }
    case 'plateau': {
      const factor = num(a, 0.5);
      const patience = num(b, 3);
      check(factor > 0 && factor < 1, 'the factor must lie between 0 and 1 (it multiplies the rate on a plateau)', 'plateau:0.5:3');
      check(Number.isInteger(patience) && patience >= 0, 'the patience must be a whole number of epochs ≥ 0', 'plateau:0.5:3');
      return { kind: 'plateau', factor, patience };
    }
    default:
      throw new LatentError(`unknown learning-rate schedule "${text}"`, SCHEDULE_SYNTAX);
  }
}
