/**
 * Dimensionality reduction on rows the model did not see: for each shared classical table and
 * latent size k, a seeded 80/20 split; the default `AutoencoderReducer` (latentDim k, everything
 * else default) and PCA with k components are fitted on the 80%, and both reconstruct the 20%.
 * Both work in the reducer's default units (no scaling for data already in [0, 1], else
 * standardised with the scaler fitted on the 80%): PCA is fitted and both errors are measured there,
 * so each method is judged on the loss it minimises.
 *
 * Reports, per set and k: held-out MSE of each, their ratio (AE / PCA; ≤ 1 means the autoencoder
 * keeps more), and the worst held-out row's error of each and their ratio — an autoencoder that
 * extrapolates wildly off the training rows shows there, long before it shows in the mean.
 *
 * Usage: npx tsx bench/reduction-holdout.ts [--quick] [--seeds 0,1] [--data DIR] [--sets a.npz,b.npz] [--sizes 2,4,8,16]
 */

import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { getBackend, initBackend } from '../src/backend/registry.js';
import type { Matrix } from '../src/data/matrix.js';
import { loadDataset } from '../src/data/node.js';
import { applyScaler, fitScaler } from '../src/data/scaler.js';
import { splitIndices, takeRows } from '../src/train/batches.js';
import { defaultScaler } from '../src/train/defaults.js';
import { Pca } from '../src/tasks/pca.js';
import { AutoencoderReducer } from '../src/tasks/reducer.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const seeds = (argument('--seeds') ?? '0').split(',').map(Number);
const dir = resolve(process.cwd(), argument('--data') ?? '../shared/data/adbench');
const only = argument('--sets')?.split(',');
const files = quick
  ? ['6_cardio.npz']
  : (only ??
    readdirSync(dir)
      .filter((f) => f.endsWith('.npz'))
      .sort());
const sizes = quick ? [4, 16] : (argument('--sizes')?.split(',').map(Number) ?? [2, 4, 8, 16]);

/** Per-row MSE between `a` and `b`, both rows × cols. */
function rowErrors(a: Matrix, b: Matrix): Float64Array {
  const out = new Float64Array(a.rows);
  for (let r = 0; r < a.rows; r++) {
    let s = 0;
    for (let c = 0; c < a.cols; c++) s += (a.data[r * a.cols + c]! - b.data[r * a.cols + c]!) ** 2;
    out[r] = s / a.cols;
  }
  return out;
}

const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length;
const max = (v: Float64Array): number => v.reduce((a, b) => Math.max(a, b), 0);

await initBackend();
const lines = [
  `Held-out reconstruction (80/20 splits, seeds ${seeds.join(',')}), backend ${getBackend().name}`,
  '',
  '| data set | k | AE MSE | PCA MSE | AE / PCA | AE worst row | PCA worst row | worst-row ratio | epochs |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
let worstMeanRatio = 0;
let worstRowRatio = 0;
for (const file of files) {
  const { x } = loadDataset(join(dir, file));
  for (const k of sizes.filter((s) => s < x.cols)) {
    for (const seed of seeds) {
      const held = Math.round(x.rows * 0.2);
      const split = splitIndices(x.rows, held, seed);
      const train = takeRows(x, split.train);
      const test = takeRows(x, split.validation);
      const scaler = fitScaler(defaultScaler(train), train);
      const scaledTest = applyScaler(scaler, test);
      const reducer = await new AutoencoderReducer({ latentDim: k, seed }).fit(train);
      const ae = rowErrors(applyScaler(scaler, reducer.inverseTransform(reducer.transform(test))), scaledTest);
      const pca = new Pca({ nComponents: k }).fit(applyScaler(scaler, train));
      const pc = rowErrors(pca.inverseTransform(pca.transform(scaledTest)), scaledTest);
      const ratio = mean(ae) / mean(pc);
      const rowRatio = max(ae) / max(pc);
      worstMeanRatio = Math.max(worstMeanRatio, ratio);
      worstRowRatio = Math.max(worstRowRatio, rowRatio);
      const history = reducer.history!;
      lines.push(
        `| ${basename(file, '.npz')}${seeds.length > 1 ? ` (seed ${seed})` : ''} | ${k} | ${mean(ae).toFixed(4)} | ${mean(pc).toFixed(4)} | ${ratio.toFixed(2)} | ${max(ae).toFixed(2)} | ${max(pc).toFixed(2)} | ${rowRatio.toFixed(2)} | ${history.epochs.length} (${history.stopReason}) |`,
      );
      process.stderr.write(`${lines.at(-1)}\n`);
    }
  }
}
lines.push('', `largest AE / PCA mean ratio ${worstMeanRatio.toFixed(2)}, largest worst-row ratio ${worstRowRatio.toFixed(2)}`);
console.log(lines.join('\n'));
