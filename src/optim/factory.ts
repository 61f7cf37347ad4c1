/**
 * Optimizers by name, for configs and the CLI.
 */

import type { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { Rmsprop } from './rmsprop.js';
import { Sgd } from './sgd.js';

export const OPTIMIZER_NAMES = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerConfig {
  readonly name: OptimizerName;
  readonly lr?: number;
  readonly weightDecay?: number;
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

export function parseOptimizerName(text: string): OptimizerName {
  const key = text.toLowerCase();
  if ((OPTIMIZER_NAMES as readonly string[]).includes(key)) return key as OptimizerName;
  throw new LatentError(`unknown optimizer "${text}"`, `use one of: ${OPTIMIZER_NAMES.join(', ')}`);
}

/** Default learning rate of each optimizer when none is given. */
export function defaultLr(name: OptimizerName): number {
  return name === 'sgd' || name === 'rmsprop' ? 0.01 : 1e-3;
}

export function createOptimizer(config: OptimizerConfig, params: readonly Tensor[]): Optimizer {
  const lr = config.lr ?? defaultLr(config.name);
  const wd = config.weightDecay === undefined ? {} : { weightDecay: config.weightDecay };
  switch (config.name) {
    case 'adam':
      return new Adam(params, { lr, ...wd });
    case 'adamw':
      return new AdamW(params, { lr, ...wd });
    case 'sgd':
      return new Sgd(params, { lr, momentum: config.momentum ?? 0.9, nesterov: config.nesterov ?? false, ...wd });
    case 'rmsprop':
      return new Rmsprop(params, { lr, momentum: config.momentum ?? 0, ...wd });
  }
}
