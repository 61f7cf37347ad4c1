/**
 * The validation split a model was trained with, stored in its model file (metadata key
 * `validation_split`) so that whoever opens the file can name the rows the model never trained
 * on: the same seed, fraction and row count give the same split (`validationIndices`).
 *
 * Invariant: optional. Files written before the key existed, or by tools that do not record a
 * split, load as before and read back as null; a malformed entry is refused with the file and
 * key named rather than silently giving a different split.
 */

import { LatentError } from '../errors.js';

/** The metadata key of the split. */
export const VALIDATION_SPLIT_KEY = 'validation_split';

export interface ValidationSplitRecord {
  /** Share of the rows held out, in [0, 1). */
  readonly fraction: number;
  /** The seed of the split's shuffle. */
  readonly seed: number;
  /** Rows of the data the split was drawn from (the split only means something on those rows). */
  readonly rows: number;
}

/**
 * The model-file extra that records `split`.
 *
 * @example
 * modelToBytes(model, summary, validationSplitExtra({ fraction: 0.1, seed: 42, rows: 3000 }));
 */
export function validationSplitExtra(split: ValidationSplitRecord): Record<string, unknown> {
  checkSplit(split, 'validation split');
  return { [VALIDATION_SPLIT_KEY]: { fraction: split.fraction, seed: split.seed, rows: split.rows } };
}

/**
 * The split stored in a model file's extras, or null when the file records none.
 *
 * @param source - the file name, for errors.
 * @example
 * readValidationSplit(modelFromBytes(bytes, 'm.safetensors').extra, 'm.safetensors'); // { fraction: 0.1, seed: 42, rows: 3000 }
 */
export function readValidationSplit(extra: Readonly<Record<string, unknown>>, source: string): ValidationSplitRecord | null {
  const value = extra[VALIDATION_SPLIT_KEY];
  if (value === undefined) return null;
  const where = `${source}: metadata entry "${VALIDATION_SPLIT_KEY}"`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new LatentError(`${where} is not an object`, 'the file is corrupt; save the model again');
  }
  const { fraction, seed, rows } = value as Record<string, unknown>;
  const split = { fraction, seed, rows };
  checkSplit(split, where);
  return split as ValidationSplitRecord;
}

function checkSplit(split: Readonly<Record<'fraction' | 'seed' | 'rows', unknown>>, where: string): void {
  const { fraction, seed, rows } = split;
  const bad =
    typeof fraction !== 'number' || !(fraction >= 0 && fraction < 1)
      ? `fraction ${JSON.stringify(fraction)} is not a number in [0, 1)`
      : typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0
        ? `seed ${JSON.stringify(seed)} is not a whole number ≥ 0`
        : typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 1
          ? `rows ${JSON.stringify(rows)} is not a whole number ≥ 1`
          : null;
  if (bad !== null) throw new LatentError(`${where}: ${bad}`, 'the file is corrupt; save the model again');
}
