import { describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { formatDuration, formatLoss } from './format.js';
import {
  parseByteSize,
  parseInteger,
  parseIntegerList,
  parseLossOption,
  parseNumber,
  parseOptimizerOption,
  parseScaleOption,
} from './options.js';
import { defaultModelPath } from './outputs.js';
import { epochLine } from './progress.js';

function message(f: () => unknown): string {
  const e = caughtLatentError(f);
  return `${e.message} | ${e.hint ?? ''}`;
}

describe('option parsing', () => {
  it('reads numbers and names the option when they are bad', () => {
    expect(parseNumber('--lr', '1e-3', { min: 0, aboveMin: true })).toBe(0.001);
    expect(parseInteger('--epochs', ' 20 ', { min: 1 })).toBe(20);
    expect(message(() => parseNumber('--lr', 'fast'))).toContain('--lr "fast" is not a number');
    expect(message(() => parseNumber('--lr', '0', { min: 0, aboveMin: true }))).toContain('must be a number > 0');
    expect(message(() => parseInteger('--epochs', '2.5', { min: 1 }))).toContain('--epochs "2.5" is not a whole number');
    expect(message(() => parseInteger('--epochs', '0', { min: 1 }))).toContain('--epochs 0: must be a whole number ≥ 1');
    expect(message(() => parseNumber('--val-split', '1', { min: 0, max: 1, belowMax: true }))).toContain('< 1');
  });

  it('reads byte sizes with units in powers of 1024', () => {
    expect(parseByteSize('--max-body', '10mb')).toBe(10 * 1024 * 1024);
    expect(parseByteSize('--max-body', '512 KB')).toBe(512 * 1024);
    expect(parseByteSize('--max-body', '1.5k')).toBe(1536);
    expect(parseByteSize('--max-body', '300')).toBe(300);
    expect(message(() => parseByteSize('--max-body', '10 megabytes'))).toContain('--max-body "10 megabytes" is not a size');
    expect(message(() => parseByteSize('--max-body', '0'))).toContain('must be at least 1 byte');
  });

  it('reads size lists', () => {
    expect(parseIntegerList('--hidden', '64,32', { min: 1 })).toEqual([64, 32]);
    expect(parseIntegerList('--hidden', 'none', { min: 1 })).toEqual([]);
    expect(message(() => parseIntegerList('--hidden', '64,x', { min: 1 }))).toContain('item 2 ("x")');
    expect(message(() => parseIntegerList('--hidden', '64,0', { min: 1 }))).toContain('item 2 ("0") is not a whole number ≥ 1');
  });

  it('lists the valid names for unknown ones', () => {
    expect(parseLossOption('--loss', 'BCE')).toBe('bce');
    expect(parseOptimizerOption('--optimizer', 'AdamW')).toBe('adamw');
    expect(parseScaleOption('--scale', 'minmax')).toBe('minmax');
    expect(parseScaleOption('--scale', 'Standard-Pooled')).toBe('standard-pooled');
    expect(message(() => parseLossOption('--loss', 'huber'))).toBe('unknown --loss "huber" | use one of: mse, mae, bce');
    expect(message(() => parseOptimizerOption('--optimizer', 'lbfgs'))).toBe(
      'unknown --optimizer "lbfgs" | use one of: adam, adamw, sgd, rmsprop',
    );
    expect(message(() => parseScaleOption('--scale', 'robust'))).toBe(
      'unknown --scale "robust" | use one of: none, minmax, standard, standard-pooled',
    );
  });
});

describe('output names and formatting', () => {
  it('derives the default model path from the data name', () => {
    expect(defaultModelPath('/data/adbench/6_cardio.npz')).toBe('6_cardio.safetensors');
    expect(defaultModelPath('x.csv.gz')).toBe('x.safetensors');
    expect(defaultModelPath('mnist')).toBe('model.safetensors');
    expect(defaultModelPath('mnist:test')).toBe('model.safetensors');
  });

  it('formats losses, durations and the plain epoch line', () => {
    expect(formatLoss(0.09123)).toBe('0.0912');
    expect(formatLoss(0.0000412)).toBe('4.120e-5');
    expect(formatLoss(null)).toBe('-');
    expect(formatDuration(2.44)).toBe('2.4s');
    expect(formatDuration(12.4)).toBe('12s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    const log = { epoch: 2, loss: 0.09123, valLoss: 0.095, terms: {}, lr: 0.001, seconds: 1, samplesPerSecond: 8123.4 };
    expect(epochLine(log, 50, 12)).toBe('epoch 3/50  loss 0.0912  val 0.0950  8123 samples/s  eta 12s');
    expect(epochLine({ ...log, valLoss: null }, 50, 12)).toBe('epoch 3/50  loss 0.0912  8123 samples/s  eta 12s');
  });
});
