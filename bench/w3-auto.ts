/**
 * W3 through `openInference(model, { accelerator: 'auto', threads })`, as a program using the
 * accelerator would run it: the W1 encoder's rows in plain batches of 1,000 (ONNX Runtime takes
 * plain arrays, so the rows are not placed in backend memory), `auto` timing ONNX Runtime against
 * the wasm backend on its first calls and keeping the faster (src/accelerator/auto-inference.ts).
 * The interleaved run's warm-up rounds cover its measuring calls.
 */

import { openInference, type EngineChoice } from '../src/accelerator/index.js';
import { setBackend, type Backend } from '../src/backend/index.js';
import { matrix } from '../src/data/matrix.js';
import type { Contender } from './interleave.js';
import { buildW1 } from './latent-runner.js';
import { W1, W3 } from './workloads.js';

/** A W3 contender through `auto` on `threads` threads, with `choices` saying what it chose so far. */
export async function latentW3AutoEncoder(
  system: string,
  backend: Backend,
  data: Float32Array,
  threads: number,
): Promise<Contender & { choices(): readonly EngineChoice[] }> {
  setBackend(backend);
  const inference = await openInference(buildW1(), { accelerator: 'auto', threads });
  const rows = data.subarray(0, W3.samples * W1.input);
  const batches = Array.from({ length: Math.ceil(W3.samples / W3.batchSize) }, (_b, b) => {
    const n = Math.min(W3.batchSize, W3.samples - b * W3.batchSize);
    return matrix(rows.subarray(b * W3.batchSize * W1.input, (b * W3.batchSize + n) * W1.input), n, W1.input);
  });
  return {
    system,
    rep: async () => {
      setBackend(backend);
      const start = performance.now();
      for (const batch of batches) await inference.encode(batch);
      return W3.samples / ((performance.now() - start) / 1000);
    },
    choices: () => inference.choices(),
  };
}

/** "ort (measured: ort 212,000 rows/s, wasm 120,000)" for the log. */
export function describeAutoChoices(choices: readonly EngineChoice[]): string {
  return choices
    .map((c) => {
      const rates = Object.entries(c.rowsPerSecond).map(([engine, rate]) => `${engine} ${Math.round(rate).toLocaleString('en-US')}`);
      return `${c.call} ≤${c.maxRows} rows: ${c.engine ?? c.by}${rates.length > 0 ? ` (${c.by}: ${rates.join(', ')} rows/s)` : ''}`;
    })
    .join('; ');
}
