/**
 * Shared setup of the quality scripts: the output folder (first command-line argument, default
 * quality-out/), the fastest backend, the built-in MNIST split, and a line printer.
 */

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { loadMnist } from '../../src/data/node.js';
import type { MnistSplit } from '../../src/data/mnist.js';

export interface QualitySetup {
  readonly out: string;
  readonly mnist: MnistSplit;
  readonly backend: string;
}

export async function setup(): Promise<QualitySetup> {
  const out = resolve(process.argv[2] ?? 'quality-out');
  mkdirSync(out, { recursive: true });
  const backend = await initBackend();
  return { out, mnist: loadMnist(), backend: `${backend.name}${backend.threads > 1 ? ` (${backend.threads} threads)` : ''}` };
}

/** Mean of a per-sample score. */
export function mean(values: Float32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}
