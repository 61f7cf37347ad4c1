/**
 * Dimensionality reduction on rows the model did not see: for each shared table and latent size
 * k, a seeded 80/20 split; the default `AutoencoderReducer` (latentDim k, everything else default)
 * and PCA with k components are fitted on the 80%, and both reconstruct the 20%. Both work in the
 * units of the reducer's scaler (fitted on the 80%): PCA is fitted and both errors are measured
 * there, so each method is judged on the loss it minimises.
 *
 * Reports, per set, k and scaling rule (src/train/defaults.ts `SCALING_RULES`, which decide the
 * reducer's scaler): held-out MSE of each, their ratio (AE / PCA; ≤ 1 means the autoencoder keeps
 * more), and the worst held-out row's error of each and their ratio — an autoencoder that
 * extrapolates wildly off the training rows shows there, long before it shows in the mean.
 *
 * Then it chooses the scaling rule by leave-one-dataset-out: a (set, k) pair meets the target
 * when AE / PCA ≤ 1 (to float32 rounding: 1.001) and the worst-row ratio ≤ 3; a rule's objective is the share of pairs that
 * meet it, averaged over the families of sets (classical tables, embeddings) so that the fifteen
 * MVTec-AD categories do not outvote everything else; ties go to the smaller mean log AE / PCA
 * ratio. For every set the rule best on the others is shown with its result on that set.
 *
 * Usage: npx tsx bench/reduction-holdout.ts [--quick] [--seeds 0,1] [--data DIR,DIR] [--sets a.npz,b.npz]
 *          [--sizes 2,4,8,16] [--scalings per-column,pooled-when-wide] [--cache FILE] [--out FILE]
 *   --data      folders of .npz sets (default: ../shared/data/adbench and ../shared/data/adbench-embeddings)
 *   --quick     cardio at sizes 4 and 16, two rules (a smoke run)
 * Results per (scaler kind, set, k, seed) are cached in --cache (default bench/.cache/reduction-holdout.json,
 * not committed), so a rerun only trains what is missing.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { getBackend, initBackend } from '../src/backend/registry.js';
import type { Matrix } from '../src/data/matrix.js';
import { loadDataset } from '../src/data/node.js';
import { applyScaler, fitScaler, type ScalerKind } from '../src/data/scaler.js';
import { splitIndices, takeRows } from '../src/train/batches.js';
import { defaultScaler, DEFAULT_SCALING_RULE, SCALING_RULE_NAMES, type ScalingRule } from '../src/train/defaults.js';
import { Pca } from '../src/tasks/pca.js';
import { AutoencoderReducer } from '../src/tasks/reducer.js';
import { argument } from './args.js';

const quick = process.argv.includes('--quick');
const seeds = (argument('--seeds') ?? '0').split(',').map(Number);
const dirs = (argument('--data') ?? '../shared/data/adbench,../shared/data/adbench-embeddings')
  .split(',')
  .map((d) => resolve(process.cwd(), d));
const only = argument('--sets')?.split(',');
const files = quick
  ? [join(resolve(process.cwd(), '../shared/data/adbench'), '6_cardio.npz')]
  : dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.npz') && (only === undefined || only.includes(f)))
        .sort()
        .map((f) => join(dir, f)),
    );
const sizes = quick ? [4, 16] : (argument('--sizes')?.split(',').map(Number) ?? [2, 4, 8, 16]);
const rules = (argument('--scalings') ?? (quick ? `per-column,${DEFAULT_SCALING_RULE}` : SCALING_RULE_NAMES.join(',')))
  .split(',')
  .filter((r, i, all) => all.indexOf(r) === i)
  .map((name): ScalingRule => {
    const rule = SCALING_RULE_NAMES.find((r) => r === name);
    if (rule === undefined) throw new Error(`unknown scaling rule ${name}; known: ${SCALING_RULE_NAMES.join(', ')}`);
    return rule;
  });
const cachePath = resolve(argument('--cache') ?? (quick ? '/tmp/latent-reduction-quick.json' : 'bench/.cache/reduction-holdout.json'));
const outPath = argument('--out');

/** One (scaler kind, set, k, seed) measurement. */
interface Run {
  readonly aeMse: number;
  readonly pcaMse: number;
  readonly aeWorst: number;
  readonly pcaWorst: number;
  readonly epochs: number;
  readonly stop: string;
  readonly kept: string;
}
const cache: Record<string, Run> = existsSync(cachePath) ? (JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, Run>) : {};
const saveCache = (): void => {
  mkdirSync(dirname(cachePath), { recursive: true });
  writeFileSync(cachePath, JSON.stringify(cache));
};

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

const mean = (v: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]!;
  return sum / v.length;
};
const max = (v: Float64Array): number => v.reduce((a, b) => Math.max(a, b), 0);

async function measure(x: Matrix, kind: ScalerKind, k: number, seed: number): Promise<Run> {
  const held = Math.round(x.rows * 0.2);
  const split = splitIndices(x.rows, held, seed);
  const train = takeRows(x, split.train);
  const test = takeRows(x, split.validation);
  const scaler = fitScaler(kind, train);
  const scaledTest = applyScaler(scaler, test);
  const reducer = await new AutoencoderReducer({ latentDim: k, seed, scaler: kind }).fit(train);
  const ae = rowErrors(applyScaler(scaler, reducer.inverseTransform(reducer.transform(test))), scaledTest);
  const pca = new Pca({ nComponents: k }).fit(applyScaler(scaler, train));
  const pc = rowErrors(pca.inverseTransform(pca.transform(scaledTest)), scaledTest);
  const history = reducer.history!;
  return {
    aeMse: mean(ae),
    pcaMse: mean(pc),
    aeWorst: max(ae),
    pcaWorst: max(pc),
    epochs: history.epochs.length,
    stop: history.stopReason,
    kept: reducer.choice?.kept ?? 'autoencoder',
  };
}

interface Pair {
  readonly set: string;
  readonly family: string;
  readonly k: number;
  readonly seed: number;
  readonly kinds: Record<ScalingRule, ScalerKind>;
}

await initBackend();
const pairs: Pair[] = [];
const lines = [
  `Held-out reconstruction (80/20 splits, seeds ${seeds.join(',')}), backend ${getBackend().name}; errors in the units of each rule's scaler`,
  '',
  '| data set | k | scaling rule (scaler) | AE MSE | PCA MSE | AE / PCA | AE worst row | PCA worst row | worst-row ratio | kept | epochs |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
];
const key = (kind: ScalerKind, set: string, k: number, seed: number): string => `${kind}|${set}|${k}|${seed}`;
for (const file of files) {
  const { x } = loadDataset(file);
  const set = basename(file, '.npz');
  const kinds = Object.fromEntries(SCALING_RULE_NAMES.map((rule) => [rule, defaultScaler(x, rule)])) as Record<ScalingRule, ScalerKind>;
  for (const k of sizes.filter((s) => s < x.cols)) {
    for (const seed of seeds) {
      pairs.push({ set, family: basename(dirname(file)), k, seed, kinds });
      for (const rule of rules) {
        const id = key(kinds[rule], set, k, seed);
        cache[id] ??= await measure(x, kinds[rule], k, seed);
        saveCache();
        const run = cache[id];
        lines.push(
          `| ${set}${seeds.length > 1 ? ` (seed ${seed})` : ''} | ${k} | ${rule} (${kinds[rule]}) | ${run.aeMse.toPrecision(4)} | ${run.pcaMse.toPrecision(4)} | ${(run.aeMse / run.pcaMse).toFixed(2)} | ${run.aeWorst.toPrecision(4)} | ${run.pcaWorst.toPrecision(4)} | ${(run.aeWorst / run.pcaWorst).toFixed(2)} | ${run.kept} | ${run.epochs} (${run.stop}) |`,
        );
        process.stderr.write(`${lines.at(-1)}\n`);
      }
    }
  }
}

const runOf = (pair: Pair, rule: ScalingRule): Run => cache[key(pair.kinds[rule], pair.set, pair.k, pair.seed)]!;
/** The target, with float32 slack: a reducer that kept PCA rebuilds as PCA does, up to rounding. */
const meets = (run: Run): boolean => run.aeMse <= run.pcaMse * (1 + 1e-3) && run.aeWorst <= 3 * run.pcaWorst;
const families = [...new Set(pairs.map((p) => p.family))];
const setNames = [...new Set(pairs.map((p) => p.set))];
/** [share of pairs meeting the target, mean log AE / PCA], family-balanced, leaving out one set. */
const objective = (rule: ScalingRule, without: string | null): [number, number] => {
  const per = families
    .map((family) => pairs.filter((p) => p.family === family && p.set !== without))
    .filter((group) => group.length > 0)
    .map((group) => [
      mean(group.map((p) => (meets(runOf(p, rule)) ? 1 : 0))),
      mean(group.map((p) => Math.log(runOf(p, rule).aeMse / runOf(p, rule).pcaMse))),
    ]);
  return [mean(per.map((v) => v[0]!)), mean(per.map((v) => v[1]!))];
};
const better = (a: [number, number], b: [number, number]): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
const best = (without: string | null): ScalingRule =>
  rules.reduce((a, b) => (better(objective(b, without), objective(a, without)) ? b : a));

const chosen = best(null);
lines.push(
  '',
  '| scaling rule | pairs meeting the target (family mean) | mean log AE / PCA | largest AE / PCA | largest worst-row ratio |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rules.map((rule) => {
    const [share, log] = objective(rule, null);
    const runs = pairs.map((p) => runOf(p, rule));
    return `| ${rule} | ${(100 * share).toFixed(1)}% | ${log.toFixed(3)} | ${Math.max(...runs.map((r) => r.aeMse / r.pcaMse)).toFixed(2)} | ${Math.max(...runs.map((r) => r.aeWorst / r.pcaWorst)).toFixed(2)} |`;
  }),
  '',
  `rule chosen on all sets: ${chosen}`,
  '',
  '| held-out set | chosen on the others | largest AE / PCA | largest worst-row ratio | target met |',
  '| --- | --- | ---: | ---: | --- |',
  ...setNames.map((set) => {
    const pick = best(set);
    const runs = pairs.filter((p) => p.set === set).map((p) => runOf(p, pick));
    const ratio = Math.max(...runs.map((r) => r.aeMse / r.pcaMse));
    const row = Math.max(...runs.map((r) => r.aeWorst / r.pcaWorst));
    return `| ${set} | ${pick} | ${ratio.toFixed(2)} | ${row.toFixed(2)} | ${runs.every(meets) ? 'yes' : 'no'} |`;
  }),
);
const text = lines.join('\n');
console.log(text);
if (outPath !== undefined) writeFileSync(outPath, `${text}\n`);
