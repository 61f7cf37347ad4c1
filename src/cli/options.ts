/**
 * Option parsing for the command line: text from commander becomes typed values, and anything
 * malformed becomes a LatentError that names the option and the text the user typed. Names
 * (activations, losses, optimizers, scalers, backends) are checked by the library's own parsers,
 * whose messages list the valid names.
 */

import { parseBackendName, type BackendName } from '../backend/registry.js';
import type { Activation } from '../backend/backend.js';
import { isScalerKind, SCALER_KINDS, type ScalerKind } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import { LOSS_NAMES, parseLoss, type LossName } from '../losses/reconstruction.js';
import { parseActivation } from '../nn/activations.js';
import { OPTIMIZER_NAMES, parseOptimizerName, type OptimizerName } from '../optim/factory.js';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Range {
  readonly min?: number;
  /** When true, `min` itself is not allowed. */
  readonly aboveMin?: boolean;
  readonly max?: number;
  /** When true, `max` itself is not allowed. */
  readonly belowMax?: boolean;
}

function describeRange(range: Range): string {
  const parts: string[] = [];
  if (range.min !== undefined) parts.push(`${range.aboveMin ? '>' : '≥'} ${range.min}`);
  if (range.max !== undefined) parts.push(`${range.belowMax ? '<' : '≤'} ${range.max}`);
  return parts.join(' and ');
}

function checkRange(flag: string, text: string, value: number, range: Range, kind: string): number {
  const low = range.min !== undefined && (range.aboveMin ? value <= range.min : value < range.min);
  const high = range.max !== undefined && (range.belowMax ? value >= range.max : value > range.max);
  if (low || high) {
    throw new LatentError(`${flag} ${text}: must be ${kind} ${describeRange(range)}`, `choose a value ${describeRange(range)}`);
  }
  return value;
}

/**
 * A number option (`--lr 0.001`).
 *
 * @example
 * parseNumber('--lr', '1e-3', { min: 0 }); // 0.001
 */
export function parseNumber(flag: string, text: string, range: Range = {}): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!DECIMAL.test(trimmed) || !Number.isFinite(value)) {
    throw new LatentError(`${flag} "${text}" is not a number`, `write a plain decimal number, e.g. ${flag} 0.5`);
  }
  return checkRange(flag, text, value, range, 'a number');
}

/**
 * A whole-number option (`--epochs 20`).
 *
 * @example
 * parseInteger('--epochs', '20', { min: 1 }); // 20
 */
export function parseInteger(flag: string, text: string, range: Range = {}): number {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) {
    throw new LatentError(`${flag} "${text}" is not a whole number`, `write digits only, e.g. ${flag} ${range.min ?? 1}`);
  }
  return checkRange(flag, text, Number(trimmed), range, 'a whole number');
}

/**
 * A comma-separated list of whole numbers (`--hidden 64,32`); an empty text is an empty list.
 *
 * @example
 * parseIntegerList('--hidden', '64,32', { min: 1 }); // [64, 32]
 */
export function parseIntegerList(flag: string, text: string, range: Range = {}): number[] {
  if (text.trim() === '' || text.trim().toLowerCase() === 'none') return [];
  return text.split(',').map((part, i) => {
    const value = Number(part.trim());
    const inRange = (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
    if (!/^\d+$/.test(part.trim()) || !inRange) {
      const need = range.min === undefined ? 'a whole number' : `a whole number ${describeRange(range)}`;
      throw new LatentError(
        `${flag} "${text}": item ${i + 1} ("${part.trim()}") is not ${need}`,
        `write sizes separated by commas, e.g. ${flag} 64,32`,
      );
    }
    return value;
  });
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * A size option (`--max-body 10mb`): a number with an optional unit b, kb, mb or gb (powers of
 * 1024, as Node and Fastify count them; kib, mib, gib and k, m, g also work).
 *
 * @example
 * parseByteSize('--max-body', '10mb'); // 10485760
 */
export function parseByteSize(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match === null ? undefined : BYTE_UNITS[match[2]!.toLowerCase()];
  if (match === null || unit === undefined) {
    throw new LatentError(`${flag} "${text}" is not a size`, `write a number with an optional unit b, kb, mb or gb, e.g. ${flag} 10mb`);
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes < 1) throw new LatentError(`${flag} "${text}": must be at least 1 byte`, `e.g. ${flag} 10mb`);
  return bytes;
}

/** A comma-separated list of names (`--columns a,b,c`); blanks are an error. */
export function parseNameList(flag: string, text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.some((s) => s === '')) {
    throw new LatentError(`${flag} "${text}" has an empty name`, `separate names with single commas, e.g. ${flag} age,income`);
  }
  return names;
}

export function parseActivationOption(flag: string, text: string): Activation {
  return parseActivation(text, flag);
}

export function parseLossOption(flag: string, text: string): LossName {
  try {
    return parseLoss(text);
  } catch {
    throw new LatentError(`unknown ${flag} "${text}"`, `use one of: ${LOSS_NAMES.join(', ')}`);
  }
}

export function parseOptimizerOption(flag: string, text: string): OptimizerName {
  try {
    return parseOptimizerName(text);
  } catch {
    throw new LatentError(`unknown ${flag} "${text}"`, `use one of: ${OPTIMIZER_NAMES.join(', ')}`);
  }
}

export function parseScaleOption(flag: string, text: string): ScalerKind {
  const key = text.trim().toLowerCase();
  if (isScalerKind(key)) return key;
  throw new LatentError(`unknown ${flag} "${text}"`, `use one of: ${SCALER_KINDS.join(', ')}`);
}

export function parseBackendOption(flag: string, text: string): BackendName {
  return parseBackendName(text.trim().toLowerCase(), flag);
}

/** A name from a fixed list (e.g. `--model dense`). */
export function parseChoice<T extends string>(flag: string, text: string, names: readonly T[]): T {
  const found = names.find((n) => n === text.trim().toLowerCase());
  if (found === undefined) throw new LatentError(`unknown ${flag} "${text}"`, `use one of: ${names.join(', ')}`);
  return found;
}
