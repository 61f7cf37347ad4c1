/**
 * Chooses the anomaly detector's defaults by leave-one-dataset-out over every shared tabular set
 * (../shared/data/adbench: 8 classical sets; ../shared/data/adbench-embeddings: 17 sets of image
 * and text embeddings), under ADBench's unsupervised protocol: fit on all rows without labels,
 * score every row, ROC-AUC and PR-AUC against the labels.
 *
 * Each training configuration is trained once per seed and per scaling rule (src/train/defaults.ts
 * `SCALING_RULES`: how data not already in [0, 1] is scaled); several scores are read off each
 * trained model, and each (configuration, scaling rule, score, single seed or seed ensemble) is one
 * candidate. A rule that gives a set the same scaler as another rule shares its trained models. For every
 * held-out set the candidate with the best mean ROC-AUC on the other sets is chosen, and its result
 * on the held-out set is reported: the leave-one-dataset-out figure is what a default chosen this
 * way gives on data it was not chosen on. The candidate chosen on all sets is the default. Only
 * single models are eligible (a model file holds one network); seed ensembles are shown for what
 * they would add.
 *
 * Usage: npx tsx bench/select-defaults.ts [--quick] [--configs a,b] [--scalings a,b] [--seeds 0,1,2] [--cache FILE] [--out FILE]
 *   --quick   three small classical sets, two configurations, one seed (a smoke run for CI)
 *   --scalings  scaling rules to compare (default: all of SCALING_RULES)
 * Results per (configuration, set, seed) are cached in --cache (default bench/.cache/select-defaults.json, not committed), so
 * a rerun only trains what is missing; delete the file to start afresh.
 */

import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { initBackend, getBackend } from '../src/backend/registry.js';
import { loadDataset } from '../src/data/node.js';
import type { Matrix } from '../src/data/matrix.js';
import { AutoencoderDetector, DEFAULT_METRIC, type DetectorOptions } from '../src/tasks/detector.js';
import { averagePrecision, precisionRecallF1, rocAuc } from '../src/tasks/metrics.js';
import { flagAbove } from '../src/tasks/detector-common.js';
import { computeThreshold, parseThresholdRule } from '../src/tasks/threshold.js';
import { autoValidationSplit } from '../src/tasks/train-model.js';
import { heldOutRows, splitIndices } from '../src/train/batches.js';
import { PcaDetector } from '../src/tasks/pca-detector.js';
import type { ScalerKind } from '../src/data/scaler.js';
import { defaultScaler, DEFAULT_SCALING_RULE, SCALING_RULE_NAMES, type ScalingRule } from '../src/train/defaults.js';
import { candidateScores, combineSeeds, SCORE_VARIANTS, type ScoreVariant } from './select-scores.js';
import { argument } from './args.js';

/** Training configurations under comparison (the detector's options; everything else default). */
const CONFIGS: Readonly<Record<string, DetectorOptions>> = {
  /** The former default: a fixed budget of about 1,000 steps. */
  fixed1000: { budget: { minSteps: 1000, maxSteps: 1000, minEpochs: 1, patienceSteps: 1_000_000 } },
  /** The automatic budget with the detector's dropout. */
  auto: {},
  /** The automatic budget without dropout. */
  autoNoDropout: { dropout: 0 },
  /** The automatic budget with AdamW weight decay. */
  autoDecay: { optimizer: { name: 'adamw', lr: 1e-3, weightDecay: 1e-2 } },
};

interface SetResult {
  readonly rows: number;
  readonly features: number;
  readonly anomalies: number;
  /** variant → ROC-AUC / PR-AUC of the single-seed score (first seed). */
  readonly seconds: number;
  readonly epochs: number;
  readonly stop: string;
  /** Raw scores per variant for this seed, kept to form seed ensembles. */
  readonly scores: Record<ScoreVariant, number[]>;
}

type Cache = Record<string, SetResult>;

const quick = process.argv.includes('--quick');
const root = resolve(process.cwd(), '../shared/data');
const seeds = (argument('--seeds') ?? (quick ? '0' : '0,1,2')).split(',').map(Number);
const configNames = (argument('--configs') ?? (quick ? 'fixed1000,auto' : Object.keys(CONFIGS).join(','))).split(',');
const scalingNames = (argument('--scalings') ?? SCALING_RULE_NAMES.join(',')).split(',').map((name): ScalingRule => {
  const rule = SCALING_RULE_NAMES.find((r) => r === name);
  if (rule === undefined) throw new Error(`unknown scaling rule ${name}; known: ${SCALING_RULE_NAMES.join(', ')}`);
  return rule;
});
/** The scaling every candidate is compared against: standardising each column (the former default). */
const BASE_SCALING: ScalingRule = 'per-column';
const cachePath = resolve(argument('--cache') ?? (quick ? '/tmp/latent-select-quick.json' : 'bench/.cache/select-defaults.json'));
const outPath = argument('--out');

const files = quick
  ? ['adbench/42_WBC.npz', 'adbench/4_breastw.npz', 'adbench/6_cardio.npz'].map((f) => join(root, f))
  : ['adbench', 'adbench-embeddings'].flatMap((d) =>
      readdirSync(join(root, d))
        .filter((f) => f.endsWith('.npz'))
        .sort()
        .map((f) => join(root, d, f)),
    );

const cache: Cache = existsSync(cachePath) ? (JSON.parse(readFileSync(cachePath, 'utf8')) as Cache) : {};
const saveCache = (): void => {
  mkdirSync(dirname(cachePath), { recursive: true });
  writeFileSync(cachePath, JSON.stringify(cache));
};

await initBackend();
process.stderr.write(`backend ${getBackend().name} (${getBackend().threads} threads), ${files.length} sets, seeds ${seeds.join(',')}\n`);

interface Loaded {
  readonly name: string;
  /** The folder: adbench (classical) or adbench-embeddings. */
  readonly family: string;
  readonly x: Matrix;
  readonly labels: number[];
  /** The scaler kind each scaling rule gives this set. */
  readonly kinds: Record<ScalingRule, ScalerKind>;
}
const sets: Loaded[] = files.map((file) => {
  const ds = loadDataset(file);
  if (ds.labels === undefined) throw new Error(`${file}: no labels (array y)`);
  const kinds = Object.fromEntries(SCALING_RULE_NAMES.map((rule) => [rule, defaultScaler(ds.x, rule)])) as Record<ScalingRule, ScalerKind>;
  return { name: basename(file, '.npz'), family: basename(dirname(file)), x: ds.x, labels: Array.from(ds.labels), kinds };
});
/** Cache key of one trained model: training configuration, scaler kind, set, seed. */
const runKey = (config: string, set: Loaded, rule: ScalingRule, seed: number): string => `${config}|${set.kinds[rule]}|${set.name}|${seed}`;
const ruleNames = [...new Set([BASE_SCALING, ...scalingNames])];

// Train what the cache does not hold yet.
for (const config of configNames) {
  const options = CONFIGS[config];
  if (options === undefined) throw new Error(`unknown configuration ${config}; known: ${Object.keys(CONFIGS).join(', ')}`);
  for (const set of sets) {
    for (const [rule, seed] of ruleNames.flatMap((r) => seeds.map((seed) => [r, seed] as const))) {
      const key = runKey(config, set, rule, seed);
      if (cache[key] !== undefined) continue;
      const start = performance.now();
      const detector = await new AutoencoderDetector({ ...options, scaler: set.kinds[rule], seed }).fit(set.x);
      const seconds = (performance.now() - start) / 1000;
      const scores = candidateScores(detector, set.x);
      const history = detector.history!;
      cache[key] = {
        rows: set.x.rows,
        features: set.x.cols,
        anomalies: set.labels.reduce((a, b) => a + b, 0),
        seconds,
        epochs: history.epochs.length,
        stop: history.stopReason,
        scores: Object.fromEntries(SCORE_VARIANTS.map((v) => [v, Array.from(scores[v], (s) => Math.fround(s))])) as Record<
          ScoreVariant,
          number[]
        >,
      };
      saveCache();
      const roc = rocAuc(set.labels, scores.mse);
      process.stderr.write(
        `${config} ${set.kinds[rule]} ${set.name} seed ${seed}: mse ROC ${roc.toFixed(3)}, ${history.epochs.length} epochs (${history.stopReason}), ${seconds.toFixed(1)} s\n`,
      );
    }
  }
}

// Candidates: configuration × scaling rule × score variant × (first seed alone | ensemble of all seeds).
interface Metrics {
  readonly roc: number;
  readonly pr: number;
}
const candidates = new Map<string, Map<string, Metrics>>();
for (const config of configNames) {
  for (const rule of scalingNames) {
    for (const variant of SCORE_VARIANTS) {
      const forms: Array<[string, readonly number[]]> = [[`${config}/${rule}/${variant}/seed${seeds[0]}`, [seeds[0]!]]];
      if (seeds.length > 1) forms.push([`${config}/${rule}/${variant}/ensemble${seeds.length}`, seeds]);
      for (const [name, use] of forms) {
        const perSet = new Map<string, Metrics>();
        for (const set of sets) {
          const runs = use.map((seed) => cache[runKey(config, set, rule, seed)]!.scores[variant]);
          const scores = combineSeeds(runs);
          perSet.set(set.name, { roc: rocAuc(set.labels, scores), pr: averagePrecision(set.labels, scores) });
        }
        candidates.set(name, perSet);
      }
    }
  }
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const families = [...new Set(sets.map((set) => set.family))];
/**
 * The selection objective: the mean ROC-AUC of each family of sets (classical tables, embeddings),
 * averaged over the families, leaving out the set `without`. Families weigh equally because 15 of
 * the 17 embedding sets are categories of one benchmark (MVTec-AD) embedded by one network: a plain
 * mean over sets would let that one benchmark choose the defaults for every kind of table.
 */
const objective = (name: string, without: string | null): number =>
  mean(
    families.map((family) =>
      mean(sets.filter((set) => set.family === family && set.name !== without).map((set) => candidates.get(name)!.get(set.name)!.roc)),
    ),
  );
const meanRocWithout = (name: string, without: string | null): number =>
  mean([...candidates.get(name)!].filter(([set]) => set !== without).map(([, m]) => m.roc));
const familyMean = (name: string, family: string): number =>
  mean(sets.filter((s) => s.family === family).map((s) => candidates.get(name)!.get(s.name)!.roc));
/**
 * Candidates a default may be: one trained model. A model file holds one network (and its ONNX
 * export and PyTorch hand-off are one network), so seed ensembles are measured and shown for what
 * they would add, but are not eligible.
 */
const eligible = [...candidates.keys()].filter((name) => !name.includes('/ensemble'));
const best = (without: string | null): string => eligible.reduce((a, b) => (objective(b, without) > objective(a, without) ? b : a));

const chosen = best(null);
const [chosenConfig, chosenScaling, chosenVariant, chosenForm] = chosen.split('/') as [string, ScalingRule, ScoreVariant, string];
/** The chosen candidate with the former per-column scaling: what the scaling rule changes. */
const chosenPerColumn = [chosenConfig, BASE_SCALING, chosenVariant, chosenForm].join('/');

// Baselines on the same sets: PCA with the autoencoder's latent size, scaled as `PcaDetector`
// scales by default (and by the former per-column rule, for comparison).
const pcaWith = (rule: ScalingRule): Map<string, Metrics> =>
  new Map(
    sets.map((set) => {
      const scores = new PcaDetector({ scaler: set.kinds[rule] }).fit(set.x).score(set.x);
      return [set.name, { roc: rocAuc(set.labels, scores), pr: averagePrecision(set.labels, scores) }];
    }),
  );
const pca = pcaWith(DEFAULT_SCALING_RULE);
const pcaPerColumn = DEFAULT_SCALING_RULE === BASE_SCALING ? pca : pcaWith(BASE_SCALING);

const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');
const lines: string[] = [
  `Leave-one-dataset-out selection over ${sets.length} sets, seeds ${seeds.join(',')}, backend ${getBackend().name}`,
  '',
  '| candidate | objective | mean ROC-AUC | mean PR-AUC | ROC-AUC classical | ROC-AUC embeddings |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...[...candidates.keys()]
    .sort((a, b) => objective(b, null) - objective(a, null))
    .map(
      (name) =>
        `| ${name} | ${f(objective(name, null))} | ${f(meanRocWithout(name, null))} | ${f(mean([...candidates.get(name)!.values()].map((m) => m.pr)))} | ${f(familyMean(name, 'adbench'))} | ${f(familyMean(name, 'adbench-embeddings'))} |`,
    ),
  '',
  `chosen on all sets: ${chosen}`,
  '',
  `per-column scaling: ${chosenPerColumn}; PCA scaled by the default rule (${DEFAULT_SCALING_RULE}), and per column`,
  '',
  '| held-out set | rows | features | scaler | chosen on the others | LODO ROC-AUC | LODO PR-AUC | default ROC-AUC | default PR-AUC | per-column ROC-AUC | PCA ROC-AUC | PCA PR-AUC | PCA per-column ROC-AUC | epochs | seconds (default, old) |',
  '| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
const perColumnCandidate = candidates.get(chosenPerColumn);
const lodo: Metrics[] = [];
for (const set of sets) {
  const pick = best(set.name);
  const held = candidates.get(pick)!.get(set.name)!;
  const dflt = candidates.get(chosen)!.get(set.name)!;
  lodo.push(held);
  const run = cache[runKey(chosenConfig, set, chosenScaling, seeds[0]!)]!;
  const old = cache[runKey('fixed1000', set, BASE_SCALING, seeds[0]!)];
  const p = pca.get(set.name)!;
  const before = perColumnCandidate?.get(set.name);
  lines.push(
    `| ${set.name} | ${run.rows} | ${run.features} | ${set.kinds[chosenScaling]} | ${pick} | ${f(held.roc)} | ${f(held.pr)} | ${f(dflt.roc)} | ${f(dflt.pr)} | ${before ? f(before.roc) : '–'} | ${f(p.roc)} | ${f(p.pr)} | ${f(pcaPerColumn.get(set.name)!.roc)} | ${run.epochs} (${run.stop}) | ${run.seconds.toFixed(1)}, ${old ? old.seconds.toFixed(1) : '–'} |`,
  );
}
const meanOf = (m: Map<string, Metrics> | undefined, key: keyof Metrics): string =>
  m === undefined ? '–' : f(mean([...m.values()].map((v) => v[key])));
lines.push(
  `| **mean** | | | | | **${f(mean(lodo.map((m) => m.roc)))}** | **${f(mean(lodo.map((m) => m.pr)))}** | ${meanOf(candidates.get(chosen), 'roc')} | ${meanOf(candidates.get(chosen), 'pr')} | ${meanOf(perColumnCandidate, 'roc')} | ${meanOf(pca, 'roc')} | ${meanOf(pca, 'pr')} | ${meanOf(pcaPerColumn, 'roc')} | | |`,
);
// The scaling rule with every other default held where the library has it (the `auto`
// configuration, the detector's default score, one model): leave-one-dataset-out over the rules
// alone. This is what src/train/defaults.ts `DEFAULT_SCALING_RULE` must name.
if (configNames.includes('auto') && (SCORE_VARIANTS as readonly string[]).includes(DEFAULT_METRIC)) {
  const ruleCandidate = (rule: ScalingRule): string => `auto/${rule}/${DEFAULT_METRIC}/seed${seeds[0]}`;
  const bestScaling = (without: string | null): ScalingRule =>
    scalingNames.reduce((a, b) => (objective(ruleCandidate(b), without) > objective(ruleCandidate(a), without) ? b : a));
  const scalingChosen = bestScaling(null);
  lines.push(
    '',
    `Scaling rules with the library's other defaults (auto/RULE/${DEFAULT_METRIC}/seed${seeds[0]}):`,
    '',
    '| scaling rule | objective | mean ROC-AUC | ROC-AUC classical | ROC-AUC embeddings |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...scalingNames.map((rule) => {
      const name = ruleCandidate(rule);
      return `| ${rule} | ${f(objective(name, null))} | ${f(meanRocWithout(name, null))} | ${f(familyMean(name, 'adbench'))} | ${f(familyMean(name, 'adbench-embeddings'))} |`;
    }),
    '',
    `scaling rule chosen on all sets: ${scalingChosen} (the library's default: ${DEFAULT_SCALING_RULE}); leave-one-dataset-out ROC-AUC ` +
      `${f(mean(sets.map((set) => candidates.get(ruleCandidate(bestScaling(set.name)))!.get(set.name)!.roc)))} ` +
      `(held-out sets that chose another rule: ${
        sets
          .filter((set) => bestScaling(set.name) !== scalingChosen)
          .map((set) => `${set.name} → ${bestScaling(set.name)}`)
          .join(', ') || 'none'
      })`,
  );
}
// Threshold rules on the chosen score: each rule's threshold comes from the scores of the rows
// held out for validation (as the detector takes it), and is judged by F1 against the labels on
// all rows; the rule is chosen by the same leave-one-dataset-out, family-balanced procedure.
const RULES = ['contamination:0.1', 'contamination:0.05', 'percentile:99', 'std:3', 'mad:3.5', 'max', 'pot:1e-2', 'pot:1e-3', 'pot:1e-4'];
const chosenSeeds = chosenForm.startsWith('ensemble') ? seeds : [seeds[0]!];
const ruleResults = new Map<string, Map<string, { f1: number; precision: number; recall: number; flagged: number }>>();
for (const ruleText of RULES) {
  const rule = parseThresholdRule(ruleText);
  const perSet = new Map<string, { f1: number; precision: number; recall: number; flagged: number }>();
  for (const set of sets) {
    const scores = combineSeeds(chosenSeeds.map((seed) => cache[runKey(chosenConfig, set, chosenScaling, seed)]!.scores[chosenVariant]));
    const held = heldOutRows(set.x.rows, autoValidationSplit(set.x.rows)).held;
    const rows = held > 0 ? splitIndices(set.x.rows, held, seeds[0]!).validation : Uint32Array.from(scores.keys());
    const threshold = computeThreshold(
      rule,
      Array.from(rows, (i) => scores[i]!),
    );
    const flags = flagAbove(scores, threshold);
    const { precision, recall, f1 } = precisionRecallF1(set.labels, flags);
    perSet.set(set.name, { f1, precision, recall, flagged: flags.reduce((a, b) => a + b, 0) / flags.length });
  }
  ruleResults.set(ruleText, perSet);
}
const ruleObjective = (rule: string, without: string | null): number =>
  mean(
    families.map((family) =>
      mean(sets.filter((set) => set.family === family && set.name !== without).map((set) => ruleResults.get(rule)!.get(set.name)!.f1)),
    ),
  );
const bestRule = (without: string | null): string =>
  RULES.reduce((a, b) => (ruleObjective(b, without) > ruleObjective(a, without) ? b : a));
const ruleMean = (rule: string, key: 'f1' | 'precision' | 'recall' | 'flagged'): number =>
  mean([...ruleResults.get(rule)!.values()].map((m) => m[key]));
lines.push(
  '',
  `Threshold rules on ${chosen}, calibrated on the held-out rows' scores (F1, precision, recall and flagged share over all rows):`,
  '',
  '| rule | objective (F1) | mean F1 | precision | recall | flagged |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...RULES.map(
    (r) =>
      `| ${r} | ${f(ruleObjective(r, null))} | ${f(ruleMean(r, 'f1'))} | ${f(ruleMean(r, 'precision'))} | ${f(ruleMean(r, 'recall'))} | ${(100 * ruleMean(r, 'flagged')).toFixed(1)}% |`,
  ),
  '',
  `rule chosen on all sets: ${bestRule(null)}; leave-one-dataset-out F1 ${f(mean(sets.map((set) => ruleResults.get(bestRule(set.name))!.get(set.name)!.f1)))} ` +
    `(held-out sets that chose another rule: ${
      sets
        .filter((set) => bestRule(set.name) !== bestRule(null))
        .map((set) => `${set.name} → ${bestRule(set.name)}`)
        .join(', ') || 'none'
    })`,
);
// Side by side with the peers (bench/peers/adbench_peers.py, same protocol and sets), when their
// results are there: latent's default, its leave-one-dataset-out figure, and each peer.
const peersPath = resolve('bench/results/peers-adbench.json');
if (existsSync(peersPath)) {
  type PeerMetrics = { readonly roc: number; readonly pr: number };
  const peers = JSON.parse(readFileSync(peersPath, 'utf8')) as { sets: Record<string, Record<string, PeerMetrics>> };
  const peer = (set: string, method: string): PeerMetrics | undefined => peers.sets[set]?.[method];
  const cell = (m: PeerMetrics | undefined): string => (m === undefined ? '– | –' : `${f(m.roc)} | ${f(m.pr)}`);
  const lodoOf = new Map(sets.map((set, i) => [set.name, lodo[i]!]));
  const column = (pick: (set: Loaded) => PeerMetrics | undefined, group: Loaded[]): string => {
    const values = group.map(pick).filter((m): m is PeerMetrics => m !== undefined);
    return values.length === group.length ? `${f(mean(values.map((m) => m.roc)))} | ${f(mean(values.map((m) => m.pr)))}` : '– | –';
  };
  const methods: Array<[string, (set: Loaded) => PeerMetrics | undefined]> = [
    ['latent chosen', (set) => candidates.get(chosen)!.get(set.name)],
    // The library's defaults as they are (configuration auto, its scaling rule and score, one
    // model), when this run trained them: what `latent evaluate DATA --seed 0` gives.
    ['latent library', (set) => candidates.get(`auto/${DEFAULT_SCALING_RULE}/${DEFAULT_METRIC}/seed${seeds[0]}`)?.get(set.name)],
    ['latent LODO', (set) => lodoOf.get(set.name)],
    ['PyOD AE (torch)', (set) => peer(set.name, 'pyod_ae')],
    ['Isolation Forest', (set) => peer(set.name, 'iforest')],
    ['PCA (PyOD)', (set) => peer(set.name, 'pca_pyod')],
    ['latent PCA', (set) => pca.get(set.name)],
  ];
  lines.push(
    '',
    'ROC-AUC | PR-AUC per method (peers: mean of seeds 0, 1, 2):',
    '',
    `| data set | ${methods.map(([name]) => `${name} ROC | PR`).join(' | ')} |`,
    `| --- | ${methods.map(() => '---: | ---:').join(' | ')} |`,
    ...sets.map((set) => `| ${set.name} | ${methods.map(([, pick]) => cell(pick(set))).join(' | ')} |`),
    ...families.map(
      (family) =>
        `| **mean, ${family}** | ${methods
          .map(([, pick]) =>
            column(
              pick,
              sets.filter((set) => set.family === family),
            ),
          )
          .join(' | ')} |`,
    ),
    `| **mean, all** | ${methods.map(([, pick]) => column(pick, sets)).join(' | ')} |`,
  );
}
const text = lines.join('\n');
console.log(text);
if (outPath !== undefined) writeFileSync(outPath, `${text}\n`);
