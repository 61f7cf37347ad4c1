/**
 * ADBench, unsupervised protocol: for each labelled set in ../shared/data/adbench, fit the
 * detector on all rows without labels, score every row, and compare the scores with the labels
 * (ROC-AUC and PR-AUC = average precision). Both detectors run with their defaults — the same
 * defaults for every set:
 *
 *   AutoencoderDetector  standard scaling, latent = defaultLatent(d), hidden = defaultHidden(d, latent),
 *                        relu, dropout 0.2, Adam in batches of 64 until the validation loss stops
 *                        improving (the automatic budget), seed 42, the combined score
 *   PcaDetector          standard scaling, nComponents = defaultLatent(d) (the same rule), MSE score
 *
 * Usage: npx tsx bench/adbench.ts [--data DIR] [--epochs N] [--seeds 42,43,…]
 * Prints a markdown table and the averages.
 */

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend, getBackend } from '../src/backend/registry.js';
import { loadDataset } from '../src/data/node.js';
import { AutoencoderDetector } from '../src/tasks/detector.js';
import { averagePrecision, rocAuc } from '../src/tasks/metrics.js';
import { PcaDetector } from '../src/tasks/pca-detector.js';
import { argument } from './args.js';

interface Row {
  readonly name: string;
  readonly rows: number;
  readonly features: number;
  readonly anomalies: number;
  readonly ae: { readonly roc: number; readonly pr: number; readonly seconds: number };
  readonly pca: { readonly roc: number; readonly pr: number; readonly components: number };
}

const dir = resolve(argument('--data') ?? join(process.cwd(), '../shared/data/adbench'));
const epochs = argument('--epochs') === undefined ? undefined : Number(argument('--epochs'));
const seeds = (argument('--seeds') ?? '42').split(',').map(Number);

await initBackend();
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.npz'))
  .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
const rows: Row[] = [];
for (const file of files) {
  const ds = loadDataset(join(dir, file));
  const labels = ds.labels;
  if (labels === undefined) throw new Error(`${file}: no labels (array y)`);
  const start = performance.now();
  let aeRoc = 0;
  let aePr = 0;
  for (const seed of seeds) {
    const ae = await new AutoencoderDetector({ seed, ...(epochs === undefined ? {} : { epochs }) }).fit(ds.x);
    const scores = ae.score(ds.x);
    aeRoc += rocAuc(labels, scores) / seeds.length;
    aePr += averagePrecision(labels, scores) / seeds.length;
  }
  const seconds = (performance.now() - start) / 1000;
  const pca = new PcaDetector().fit(ds.x);
  const pcaScores = pca.score(ds.x);
  const row: Row = {
    name: file.replace(/\.npz$/, ''),
    rows: ds.x.rows,
    features: ds.x.cols,
    anomalies: labels.reduce((a, b) => a + b, 0),
    ae: { roc: aeRoc, pr: aePr, seconds },
    pca: { roc: rocAuc(labels, pcaScores), pr: averagePrecision(labels, pcaScores), components: pca.nComponents },
  };
  rows.push(row);
  process.stderr.write(
    `${row.name}: AE ${row.ae.roc.toFixed(3)}/${row.ae.pr.toFixed(3)}  PCA ${row.pca.roc.toFixed(3)}/${row.pca.pr.toFixed(3)}  (${seconds.toFixed(1)} s)\n`,
  );
}

const f = (v: number): string => v.toFixed(3);
const mean = (pick: (r: Row) => number): number => rows.reduce((s, r) => s + pick(r), 0) / rows.length;
const lines = [
  `ADBench (unsupervised: fit on all rows, score all rows), backend ${getBackend().name}, seeds ${seeds.join(',')}${epochs === undefined ? '' : `, ${epochs} epochs`}`,
  '',
  '| data set | rows | features | anomalies | PCA k | AE ROC-AUC | PCA ROC-AUC | AE PR-AUC | PCA PR-AUC | AE seconds |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.rows} | ${r.features} | ${r.anomalies} | ${r.pca.components} | ${f(r.ae.roc)} | ${f(r.pca.roc)} | ${f(r.ae.pr)} | ${f(r.pca.pr)} | ${r.ae.seconds.toFixed(1)} |`,
  ),
  `| **average** | | | | | **${f(mean((r) => r.ae.roc))}** | **${f(mean((r) => r.pca.roc))}** | **${f(mean((r) => r.ae.pr))}** | **${f(mean((r) => r.pca.pr))}** | ${rows.reduce((s, r) => s + r.ae.seconds, 0).toFixed(1)} |`,
];
console.log(lines.join('\n'));
