import { describe, expect, it } from 'vitest';
import { DenseAutoencoder, denseConfig } from '../models/index.js';
import { caughtLatentError } from '../test-utils/errors.js';
import { modelFromBytes, modelToBytes } from './model-io.js';
import { readValidationSplit, validationSplitExtra, VALIDATION_SPLIT_KEY } from './validation-split.js';

const model = (): DenseAutoencoder =>
  new DenseAutoencoder(denseConfig({ inputDim: 4, hidden: [3], latentDim: 2, outputActivation: 'sigmoid', seed: 1 }));

describe('validation split in the model file', () => {
  it('round-trips through the model file', () => {
    const split = { fraction: 0.2, seed: 7, rows: 600 };
    const loaded = modelFromBytes(modelToBytes(model(), undefined, validationSplitExtra(split)), 'm.safetensors');
    expect(readValidationSplit(loaded.extra, 'm.safetensors')).toEqual(split);
  });

  it('reads a file without it as null (files from before still load)', () => {
    const loaded = modelFromBytes(modelToBytes(model()), 'old.safetensors');
    expect(readValidationSplit(loaded.extra, 'old.safetensors')).toBeNull();
  });

  it('refuses a malformed entry naming the file, the key and the field', () => {
    const extra = (value: unknown): Record<string, unknown> => ({ [VALIDATION_SPLIT_KEY]: value });
    expect(caughtLatentError(() => readValidationSplit(extra('x'), 'm.safetensors')).message).toBe(
      'm.safetensors: metadata entry "validation_split" is not an object',
    );
    const error = caughtLatentError(() => readValidationSplit(extra({ fraction: 1.5, seed: 1, rows: 10 }), 'm.safetensors'));
    expect(error.message).toBe('m.safetensors: metadata entry "validation_split": fraction 1.5 is not a number in [0, 1)');
    expect(error.hint).toContain('save the model again');
    expect(caughtLatentError(() => readValidationSplit(extra({ fraction: 0.1, seed: -1, rows: 10 }), 'm')).message).toContain('seed -1');
    expect(caughtLatentError(() => readValidationSplit(extra({ fraction: 0.1, seed: 1, rows: 0 }), 'm')).message).toContain('rows 0');
    expect(() => validationSplitExtra({ fraction: 0.1, seed: 1.5, rows: 10 })).toThrow('seed 1.5');
  });
});
