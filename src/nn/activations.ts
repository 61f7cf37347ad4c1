/**
 * Activation modules. Names and defaults follow PyTorch (LeakyReLU slope 0.01, ELU alpha 1,
 * GELU tanh approximation), so a model rebuilt in PyTorch behaves the same.
 */

import { activation } from '../autograd/ops.js';
import type { Tensor } from '../autograd/tensor.js';
import type { Activation as ActivationName } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { Module } from './module.js';

/** Activation names accepted in configs and on the command line. */
export const ACTIVATION_NAMES = ['identity', 'relu', 'leakyRelu', 'elu', 'gelu', 'sigmoid', 'tanh', 'softplus'] as const;

const DEFAULT_ALPHA: Partial<Record<ActivationName, number>> = { leakyRelu: 0.01, elu: 1 };

/** The parameter an activation uses when none is given (PyTorch's defaults). */
export function defaultAlpha(kind: ActivationName): number {
  return DEFAULT_ALPHA[kind] ?? 0;
}

export class Activation extends Module {
  readonly alpha: number;

  constructor(
    readonly kind: ActivationName,
    alpha?: number,
  ) {
    super();
    this.alpha = alpha ?? defaultAlpha(kind);
  }

  forward(x: Tensor): Tensor {
    return this.kind === 'identity' ? x : activation(x, this.kind, this.alpha);
  }
}

/** Parse an activation name from a config or the CLI (case-insensitive, `leaky_relu` accepted). */
export function parseActivation(text: string, option = 'activation'): ActivationName {
  const key = text.replace(/[_-]/g, '').toLowerCase();
  const found = ACTIVATION_NAMES.find(
    (name) => name.toLowerCase() === key || (key === 'linear' && name === 'identity') || (key === 'none' && name === 'identity'),
  );
  if (!found) throw new LatentError(`unknown ${option} "${text}"`, `use one of: ${ACTIVATION_NAMES.join(', ')}`);
  return found;
}
