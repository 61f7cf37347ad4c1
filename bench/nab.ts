/**
 * NAB benchmark of the time-series defaults, and the script that chooses them.
 *
 * For every labelled NAB series (artificialWithAnomaly, realKnownCause, realTweets,
 * realAdExchange): train a series scorer on the first 15% (its last 20% held out for the
 * threshold), score the whole series, and measure precision of the flagged points, window recall
 * (labelled windows with ≥ 1 flag), share of points flagged, ROC-AUC of the point scores and the
 * NAB standard score (first 15% = NAB's probation). Candidates: window (the series' period, 32 or
 * 64 steps) × point-score mode × threshold rule (fixed, or for pot rules also streaming:
 * src/tasks/streaming-pot.ts; pot tails from the 0.95 or the 0.98 quantile) × alarm rule
 * (persistence 1–3 steps, cooldown 0–8 windows: src/tasks/alarms.ts); each series gets the
 * candidate that is best on the other series (bench/nab/select.ts: among the candidates whose
 * means there reach the targets — precision ≥ 0.5, window recall ≥ 0.6, ≤ 5% flagged — the best
 * NAB score). The step-by-step table repeats
 * that selection on growing subsets of the candidates, to show what each option adds. The five artificialNoAnomaly series (same protocol) give
 * flags per 1,000 points under the setting chosen on all labelled series. Last, the README
 * exercise: train on art_daily_small_noise with --window 288, score art_daily_jumpsup. The full
 * run also measures the previous defaults (window 64, no held-out part, mean point score, rule
 * max on the in-sample point scores) for comparison.
 *
 * Usage: npx tsx bench/nab.ts [--quick] [--data DIR] [--save-table FILE | --load-table FILE]
 *   --quick: a few series, the period window only, at most 500 training steps (for CI).
 *   --save-table FILE: also write every series × candidate metric to FILE (JSON);
 *   --load-table FILE: redo the selection and the tables from such a file without training
 *   (the README exercise and the previous defaults, which train, are left out).
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getBackend, initBackend } from '../src/backend/registry.js';
import { loadSeries } from '../src/data/node-series.js';
import { parseThresholdRule } from '../src/tasks/threshold.js';
import { DEFAULT_POT_QUANTILE, POINT_SCORES, SeriesScorer, type PointScore } from '../src/tasks/timeseries.js';
import { CLEAN_GROUP, LABELLED_GROUPS, loadCorpus, type NabSeries } from './nab/corpus.js';
import {
  alarmRule,
  candidateKey,
  evaluateSeries,
  formatAlarm,
  parseAlarm,
  parseChoice,
  type AlarmChoice,
  type Metrics,
  type ThresholdChoice,
  type WindowChoice,
} from './nab/evaluate.js';
import { bestCandidate, leaveOneOut, meanDefined, objective, type ResultTable } from './nab/select.js';
import { argument } from './args.js';

const quick = process.argv.includes('--quick');
const dir = resolve(argument('--data') ?? join(process.cwd(), '../shared/data/nab'));
const POT_QUANTILES = [0.98, 0.95];
const CHOICES = [
  'pot:0.01',
  'pot:0.001',
  'pot:0.0001',
  'pot:0.00001',
  'pot:0.000001',
  'pot:1e-7',
  'pot:1e-8',
  'pot:1e-9',
  'pot:1e-10',
  'max',
  'mad:5',
  'mad:10',
]
  .map(parseThresholdRule)
  .flatMap((rule): ThresholdChoice[] =>
    rule.kind === 'pot'
      ? POT_QUANTILES.flatMap((quantile): ThresholdChoice[] => [
          { rule, update: 'fixed', quantile },
          { rule, update: 'stream', quantile },
        ])
      : [{ rule, update: 'fixed', quantile: DEFAULT_POT_QUANTILE }],
  );
const ALARMS: AlarmChoice[] = [1, 2, 3].flatMap((persistence) =>
  [0, 1, 2, 4, 8].map((cooldownWindows) => ({ persistence, cooldownWindows })),
);
const WINDOWS: WindowChoice[] = quick ? ['auto'] : ['auto', 32, 64];
const QUICK_SERIES = [
  'artificialWithAnomaly/art_daily_jumpsup.csv',
  'realAdExchange/exchange-2_cpc_results.csv',
  'realAdExchange/exchange-3_cpc_results.csv',
  'realKnownCause/ambient_temperature_system_failure.csv',
  'realTweets/Twitter_volume_AAPL.csv',
  'artificialNoAnomaly/art_daily_small_noise.csv',
];
const QUICK_BUDGET = { minSteps: 200, maxSteps: 500 };
const settings = { holdout: 0.2, ...(quick ? { budget: QUICK_BUDGET } : {}) };

const started = performance.now();
await initBackend();
const pick = (list: NabSeries[]): NabSeries[] => (quick ? list.filter((s) => QUICK_SERIES.includes(s.name)) : list);
const labelled = pick(loadCorpus(dir, LABELLED_GROUPS));
const clean = pick(loadCorpus(dir, [CLEAN_GROUP]));

const saveTable = argument('--save-table');
const loadTable = argument('--load-table');
const table: ResultTable = new Map();
const windowsUsed = new Map<string, Map<WindowChoice, number>>();
if (loadTable !== undefined) readTable(loadTable);
for (const series of loadTable === undefined ? [...labelled, ...clean] : []) {
  const t = performance.now();
  const merged = new Map<string, Metrics>();
  const used = new Map<WindowChoice, number>();
  for (const w of WINDOWS) {
    const { results, window } = await evaluateSeries(series, w, CHOICES, ALARMS, settings);
    results.forEach((m, k) => merged.set(k, m));
    used.set(w, window);
  }
  table.set(series.name, merged);
  windowsUsed.set(series.name, used);
  process.stderr.write(`${series.name}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}

if (saveTable !== undefined) writeTable(saveTable);

const candidates = WINDOWS.flatMap((w) => POINT_SCORES.flatMap((m) => CHOICES.flatMap((c) => ALARMS.map((a) => candidateKey(w, m, c, a)))));
const names = labelled.map((s) => s.name);
const chosen = leaveOneOut(table, names, candidates);
const overall = bestCandidate(table, names, candidates);

const f = (v: number | undefined, digits = 3): string => (v === undefined ? '–' : v.toFixed(digits));
const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
/** A candidate key for a table cell (its own separator would split the cell). */
const cell = (key: string): string => key.split('|').join(', ');
const short = (name: string): string => name.split('/')[1]!.replace(/\.csv$/, '');
const windowOf = (name: string, key: string): number => {
  const w = key.split('|')[0]!;
  return windowsUsed.get(name)!.get(w === 'auto' ? 'auto' : Number(w))!;
};

const lines: string[] = [];
lines.push(
  `NAB, train on the first 15% (last 20% of it held out for the threshold), score all; backend ${getBackend().name}${quick ? ', --quick' : ''}`,
  '',
  'Held-out series (leave-one-series-out choice of window | point score | rule | alarm rule, chosen on the others: among the candidates whose means there reach precision ≥ 0.5, window recall ≥ 0.6 and ≤ 5% of points flagged, the best mean NAB standard score, each series floored at −100):',
  '',
  '| series | rows | chosen (window) | precision | window recall | flagged | ROC-AUC | NAB |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
);
const held: Metrics[] = [];
for (const s of labelled) {
  const key = chosen.get(s.name)!;
  const m = table.get(s.name)!.get(key)!;
  held.push(m);
  lines.push(
    `| ${short(s.name)} | ${s.data.x.rows} | ${cell(key)} (${windowOf(s.name, key)}) | ${f(m.precision)} | ${f(m.windowRecall)} | ${pct(m.flagged)} | ${f(m.rocAuc)} | ${f(m.nab, 1)} |`,
  );
}
const noFlags = held.filter((m) => m.precision === undefined).length;
lines.push(
  `| **mean** | | | **${f(meanDefined(held.map((m) => m.precision)))}** | **${f(meanDefined(held.map((m) => m.windowRecall)))}** | **${pct(meanDefined(held.map((m) => m.flagged))!)}** | **${f(meanDefined(held.map((m) => m.rocAuc)))}** | **${f(meanDefined(held.map((m) => m.nab)), 1)}** |`,
  '',
  `Precision is averaged over the ${held.length - noFlags} series with flags (${noFlags} flagged nothing).`,
  '',
  `Chosen on all ${names.length} labelled series (the defaults): ${overall}`,
  '',
  'Clean series (artificialNoAnomaly) under that choice:',
  '',
  '| series | rows | window | flags per 1,000 points |',
  '| --- | ---: | ---: | ---: |',
);
for (const s of clean) {
  const m = table.get(s.name)!.get(overall)!;
  lines.push(`| ${short(s.name)} | ${s.data.x.rows} | ${windowOf(s.name, overall)} | ${m.perThousand.toFixed(2)} |`);
}

// Ranking and localisation of each mode (window and rule as chosen overall, and each at its best rule).
const [overallWindow, , overallRule, overallAlarm] = overall.split('|') as [string, string, string, string];
lines.push(
  '',
  `Point-score modes (window ${overallWindow}), means over the labelled series (NAB floored at −100):`,
  '',
  `| mode | ROC-AUC | NAB at rule ${overallRule}, ${overallAlarm} | best rule, alarm rule | NAB at best rule |`,
  '| --- | ---: | ---: | --- | ---: |',
);
for (const mode of POINT_SCORES) {
  const atRule = candidateKey(
    overallWindow === 'auto' ? 'auto' : Number(overallWindow),
    mode,
    parseChoice(overallRule),
    parseAlarm(overallAlarm),
  );
  const own = candidates.filter((c) => c.startsWith(`${overallWindow}|${mode}|`));
  const bestOwn = bestCandidate(table, names, own);
  const auc = meanDefined(names.map((n) => table.get(n)!.get(atRule)!.rocAuc));
  lines.push(
    `| ${mode} | ${f(auc)} | ${f(objective(table, names, atRule), 1)} | ${bestOwn.split('|').slice(2).join(', ')} | ${f(objective(table, names, bestOwn), 1)} |`,
  );
}

lines.push(
  '',
  'Window choices (each at its best mode and rule), means over the labelled series (NAB floored at −100):',
  '',
  '| window | best mode, rule, alarm rule | NAB | ROC-AUC |',
  '| --- | --- | ---: | ---: |',
);
for (const w of WINDOWS) {
  const bestW = bestCandidate(
    table,
    names,
    candidates.filter((c) => c.startsWith(`${w}|`)),
  );
  const auc = meanDefined(names.map((n) => table.get(n)!.get(bestW)!.rocAuc));
  lines.push(
    `| ${w === 'auto' ? 'period' : w} | ${bestW.split('|').slice(1).join(', ')} | ${f(objective(table, names, bestW), 1)} | ${f(auc)} |`,
  );
}

lines.push('', ...stepByStep());
if (!quick && loadTable === undefined) lines.push('', ...(await previousDefaults()));
if (loadTable === undefined) lines.push('', ...(await readmeExercise(overall)));
lines.push('', `wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.stdout.write(`${lines.join('\n')}\n`);

/** The measured table as JSON: per series, the window each choice used and every candidate's metrics. */
function writeTable(file: string): void {
  const out = Object.fromEntries(
    [...table].map(([name, results]) => [
      name,
      { windows: Object.fromEntries(windowsUsed.get(name)!), results: Object.fromEntries(results) },
    ]),
  );
  writeFileSync(file, JSON.stringify(out));
}

function readTable(file: string): void {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    { windows: Record<string, number>; results: Record<string, Metrics> }
  >;
  for (const [name, { windows, results }] of Object.entries(saved)) {
    table.set(name, new Map(Object.entries(results)));
    windowsUsed.set(name, new Map(Object.entries(windows).map(([w, n]): [WindowChoice, number] => [w === 'auto' ? 'auto' : Number(w), n])));
  }
}

/**
 * Leave-one-series-out on growing subsets of the candidates: the former set (tails from the 0.98
 * quantile, every exceedance an alarm), then with each new option, then all of them.
 */
function stepByStep(): string[] {
  const plain = formatAlarm({ persistence: 1, cooldownWindows: 0 });
  const fromDefault = (c: string): boolean => !c.split('|')[2]!.includes('@');
  const alarmOf = (c: string): AlarmChoice => parseAlarm(c.split('|')[3]!);
  const steps: [string, (c: string) => boolean][] = [
    ['former candidates (tail from the 0.98 quantile, every exceedance an alarm)', (c) => fromDefault(c) && c.endsWith(`|${plain}`)],
    ['+ tail from the 0.95 quantile', (c) => c.endsWith(`|${plain}`)],
    ['+ cooldown (0–8 windows)', (c) => fromDefault(c) && alarmOf(c).persistence === 1],
    ['+ persistence (1–3 steps)', (c) => fromDefault(c)],
    ['all of them (the defaults)', () => true],
  ];
  const out = [
    'Step by step: the same leave-one-series-out selection over growing candidate sets, means over the held-out series:',
    '',
    '| candidates | precision | window recall | flagged | NAB | chosen on all series |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [label, keep] of steps) {
    const subset = candidates.filter(keep);
    const picks = leaveOneOut(table, names, subset);
    const rows = names.map((n) => table.get(n)!.get(picks.get(n)!)!);
    out.push(
      `| ${label} | ${f(meanDefined(rows.map((m) => m.precision)))} | ${f(meanDefined(rows.map((m) => m.windowRecall)))} | ${pct(meanDefined(rows.map((m) => m.flagged))!)} | ${f(meanDefined(rows.map((m) => m.nab)), 1)} | ${cell(bestCandidate(table, names, subset))} |`,
    );
  }
  return out;
}

/** Means over the labelled series of the defaults before held-out calibration: window 64, mean, in-sample max. */
async function previousDefaults(): Promise<string[]> {
  const max: ThresholdChoice = { rule: parseThresholdRule('max'), update: 'fixed', quantile: DEFAULT_POT_QUANTILE };
  const every: AlarmChoice = { persistence: 1, cooldownWindows: 0 };
  const rows: Metrics[] = [];
  for (const s of labelled) {
    const { results } = await evaluateSeries(s, 64, [max], [every], { holdout: 0 }, ['mean']);
    rows.push(results.get(candidateKey(64, 'mean', max, every))!);
  }
  return [
    'Previous defaults (window 64, mean point score, rule max on the in-sample point scores), means over the labelled series:',
    `  precision ${f(meanDefined(rows.map((m) => m.precision)))}, window recall ${f(meanDefined(rows.map((m) => m.windowRecall)))}, ` +
      `flagged ${pct(meanDefined(rows.map((m) => m.flagged))!)}, ROC-AUC ${f(meanDefined(rows.map((m) => m.rocAuc)))}, NAB ${f(meanDefined(rows.map((m) => m.nab)), 1)}`,
  ];
}

/** The README exercise with the chosen mode and rule: train on the clean series with --window 288, score the jump. */
async function readmeExercise(choice: string): Promise<string[]> {
  const [, mode, rule, alarm] = choice.split('|') as [string, PointScore, string, string];
  const threshold = parseChoice(rule);
  const train = loadSeries(join(dir, 'artificialNoAnomaly/art_daily_small_noise.csv'));
  const test = loadSeries(join(dir, 'artificialWithAnomaly/art_daily_jumpsup.csv'));
  const jump =
    labelled.find((s) => s.name === 'artificialWithAnomaly/art_daily_jumpsup.csv') ?? loadCorpus(dir, ['artificialWithAnomaly'])[0]!;
  const scorer = await new SeriesScorer({
    window: 288,
    pointScore: mode,
    rule: threshold.rule,
    thresholdUpdate: threshold.update,
    potQuantile: threshold.quantile,
    ...alarmRule(parseAlarm(alarm), 288),
    ...(quick ? { budget: QUICK_BUDGET } : {}),
  }).fit(train);
  const flags = scorer.score(test).flags;
  let flagged = 0;
  let outside = 0;
  flags.forEach((v, i) => {
    if (v === 1) {
      flagged++;
      if (jump.labels[i] !== 1) outside++;
    }
  });
  const own = scorer.score(train).flags.reduce((a, b) => a + b, 0);
  return [
    `README exercise (train art_daily_small_noise --window 288, point score ${mode}, rule ${rule}, alarms ${alarm}):`,
    `  jumpsup: ${flagged} of ${flags.length} steps flagged, ${outside} outside the labelled window; small_noise itself: ${own} flagged`,
  ];
}
