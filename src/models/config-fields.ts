/**
 * Field validators shared by every model config: each names the field it rejects and what it
 * accepts, so `parseModelConfig` errors point at the exact key of the JSON.
 */

import type { Activation } from '../backend/backend.js';
import { closestName } from '../check-options.js';
import { LatentError } from '../errors.js';
import { ACTIVATION_NAMES, parseActivation } from '../nn/activations.js';
import type { DenseConfig } from './config.js';

/** Config fields as they arrive from JSON or from code, before validation. */
export type ConfigInput<C> = { readonly [K in keyof C]?: unknown };

export function positiveInt(value: unknown, field: string): number {
  if (value === undefined) throw new LatentError(`model config: "${field}" is missing (a whole number ≥ 1)`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LatentError(`model config: "${field}" must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function optionalInt(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new LatentError(`model config: "${field}" must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function intList(value: unknown, field: string, fallback: readonly number[]): number[] {
  const list = value ?? fallback;
  if (!Array.isArray(list)) throw new LatentError(`model config: "${field}" must be a list of layer sizes, got ${JSON.stringify(value)}`);
  return list.map((h: unknown, i) => positiveInt(h, `${field}[${i}]`));
}

/** A finite number within [min, max] (bounds optional), or the fallback when absent. */
export function numberField(
  value: unknown,
  field: string,
  fallback: number,
  range: { min?: number; max?: number; openMin?: boolean; openMax?: boolean },
): number {
  if (value === undefined) return fallback;
  const { min = -Infinity, max = Infinity, openMin = false, openMax = false } = range;
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (openMin ? value > min : value >= min) && (openMax ? value < max : value <= max);
  if (!ok) {
    const lo = Number.isFinite(min) ? `${openMin ? '>' : '≥'} ${min}` : '';
    const hi = Number.isFinite(max) ? `${openMax ? '<' : '≤'} ${max}` : '';
    throw new LatentError(
      `model config: "${field}" must be a number ${[lo, hi].filter(Boolean).join(' and ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function activationField(value: unknown, field: string, fallback: Activation): Activation {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new LatentError(`model config: "${field}" must be one of ${ACTIVATION_NAMES.join(', ')}`);
  return parseActivation(value, field);
}

export function seedField(value: unknown): number {
  const seed = value ?? 42;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new LatentError('model config: "seed" must be a whole number');
  return seed;
}

export function oneOf<T extends string>(value: unknown, field: string, options: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  const found = options.find((o) => o === value);
  if (found === undefined)
    throw new LatentError(`model config: "${field}" must be one of ${options.join(', ')}, got ${JSON.stringify(value)}`);
  return found;
}

/**
 * Refuse a latent code as wide as the input or wider (it could learn to copy its input), unless the
 * family regularises overcomplete codes.
 */
export function checkCompresses(latentDim: number, inputDim: number): void {
  if (latentDim >= inputDim) {
    throw new LatentError(
      `latent size ${latentDim} is ${latentDim === inputDim ? 'equal to' : 'larger than'} the input's ${inputDim} features`,
      `an autoencoder compresses: choose a latent size below ${inputDim}`,
    );
  }
}

/**
 * Refuse a field the config does not have, naming the closest one: a misspelt field (`latent`
 * for `latentDim`) would otherwise silently take its default. `fields` lists every field of the
 * config (a `Record<keyof Config, true>`, so the type checker keeps it complete).
 *
 * @example
 * checkFieldNames({ latent: 2 }, DENSE_FIELDS, 'dense'); // LatentError: dense model config: unknown field "latent"
 */
export function checkFieldNames(input: object, fields: Readonly<Record<string, true>>, kind: string): void {
  const known = Object.keys(fields);
  for (const key of Object.keys(input)) {
    if (fields[key] === true) continue;
    const near = closestName(key, known);
    throw new LatentError(
      `${kind} model config: unknown field "${key}"`,
      `${near === undefined ? '' : `did you mean "${near}"? `}fields: ${known.join(', ')}`,
    );
  }
}

/** The fields of a dense config, which the penalised dense families extend. */
export const DENSE_FIELDS: Record<keyof DenseConfig, true> = {
  kind: true,
  inputDim: true,
  hidden: true,
  latentDim: true,
  activation: true,
  latentActivation: true,
  outputActivation: true,
  dropout: true,
  seed: true,
};
