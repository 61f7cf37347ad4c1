/**
 * What the page knows, in one object. The page renders from it, and exposes it read-only as
 * `window.latentPlayground` so automated checks can compare what is drawn with the numbers
 * behind it.
 */

import type { ThresholdRule } from '../../src/tasks/threshold.js';
import type { BackendInfo, EpochRow, ModelInfo, Views, WireDataset } from './protocol.js';
import { INITIAL_RULE } from './threshold-choice.js';

export type Phase = 'loading' | 'idle' | 'training' | 'done';

export interface PlaygroundState {
  phase: Phase;
  /** Training runs that have ended (finished, stopped or failed). */
  runsEnded: number;
  backend: BackendInfo | null;
  data: WireDataset | null;
  /** The loss the current model minimises, as named in the chart ('' before any model). */
  lossName: string;
  epochs: EpochRow[];
  views: Views | null;
  model: ModelInfo | null;
  /** The anomaly view's threshold rule (a view setting: changing it needs no retraining). */
  thresholdRule: ThresholdRule;
}

/** The state of a page that has just opened. */
export function initialState(): PlaygroundState {
  return {
    phase: 'loading',
    runsEnded: 0,
    backend: null,
    data: null,
    lossName: '',
    epochs: [],
    views: null,
    model: null,
    thresholdRule: INITIAL_RULE,
  };
}
