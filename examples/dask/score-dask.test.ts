/**
 * The Dask example (examples/dask/score_csv.py) against `latent score`: a detector trained with
 * the CLI scores a CSV data set split over three files on a LocalCluster of two worker processes,
 * and every row's score and flag must equal what `latent score` writes for the same rows (one
 * file holding them all), to float32 rounding. Also: folder output with another metric, the
 * worker-side check of empty cells, and the errors raised before any cluster starts.
 *
 * Skipped, with the reason in its name, when no python3 imports dask, distributed, pandas and
 * torch (Debian: apt-get install python3-dask python3-distributed python3-torch; .ci/run does).
 */

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pythonImporting, runPython as runPythonWith, type PythonRun } from '../test-utils/python.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/test-utils/capture.js';
import { Rng } from '../../src/tensor/rng.js';
import { expectAllClose } from '../../src/test-utils/close.js';

const SCRIPT = resolve(process.cwd(), 'examples/dask/score_csv.py');
const PARTITIONS = resolve(process.cwd(), 'examples/dask');
const LOADER = resolve(process.cwd(), 'examples/pytorch');

/** The first python3 that imports everything the example needs, or null. */
const PYTHON = pythonImporting('dask.dataframe, distributed, pandas, torch');
const SKIP_REASON = PYTHON === null ? ' (skipped: no python3 imports dask, distributed, pandas and torch)' : '';

/** A cluster run takes 20–50 s on a busy 2-core machine; a hung one is stopped and fails. */
const CLUSTER_TIMEOUT_MS = 240_000;

function runPython(args: string[]): PythonRun {
  return runPythonWith(PYTHON, args, { timeoutMs: CLUSTER_TIMEOUT_MS });
}

const COLUMNS = ['load', 'temp', 'flow', 'pressure', 'speed', 'noise'];

/**
 * Rows driven by two hidden factors plus noise, on different scales (so the scaler matters);
 * every `outlierEvery`-th row breaks the pattern. The id column is text, so latent leaves it out.
 */
function csvRows(rng: Rng, count: number, prefix: string, outlierEvery: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = rng.normal();
    const b = rng.normal();
    const broken = outlierEvery > 0 && i % outlierEvery === outlierEvery - 1 ? 3 + rng.uniform() * 3 : 0;
    const values = [a + 0.5 * b, 20 + 5 * (a - b), 100 + 30 * b + 20 * broken, 2 * a + 0.3 * b, -a + broken, 0.1 * rng.normal()];
    lines.push(`${prefix}${i},${values.map((v) => (v + 0.05 * rng.normal()).toPrecision(7)).join(',')}`);
  }
  return lines;
}

const HEADER = `row_id,${COLUMNS.join(',')}`;

/** A CSV written by `latent score` or the script, as named columns. */
function readCsv(path: string): Record<string, string[]> {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = header!.split(',');
  const table: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const line of lines) line.split(',').forEach((cell, i) => table[names[i]!]!.push(cell));
  return table;
}

describe.skipIf(PYTHON === null)(`score_csv.py on a Dask LocalCluster${SKIP_REASON}`, () => {
  let dir: string;
  let model: string;
  let threshold: number;
  const parts: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-dask-'));
    const rng = new Rng(5);
    writeFileSync(join(dir, 'train.csv'), [HEADER, ...csvRows(rng, 500, 't', 0)].join('\n') + '\n');
    model = join(dir, 'detector.safetensors');
    const train = await runCli(
      'train',
      join(dir, 'train.csv'),
      '-o',
      model,
      '--threshold-rule',
      'contamination:0.05',
      '--epochs',
      '15',
      '--seed',
      '3',
      '-q',
    );
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    threshold = Number(/anomaly threshold (\S+)/.exec(train.stdout)?.[1]);

    // Three partitions of different sizes; the last has no final newline.
    mkdirSync(join(dir, 'parts'));
    const all: string[] = [];
    [70, 45, 88].forEach((count, p) => {
      const rows = csvRows(rng, count, `p${p}-`, 9);
      all.push(...rows);
      const path = join(dir, 'parts', `part-${p}.csv`);
      writeFileSync(path, [HEADER, ...rows].join('\n') + (p === 2 ? '' : '\n'));
      parts.push(path);
    });
    writeFileSync(join(dir, 'all.csv'), [HEADER, ...all].join('\n') + '\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'scores and flags every row as latent score does, on two worker processes',
    async () => {
      const expected = join(dir, 'latent.csv');
      const score = await runCli('score', model, join(dir, 'all.csv'), '-o', expected);
      expect(score.code).toBe(0);
      expect(score.stdout).toContain('(combined, rule contamination:0.05) stored in');

      const output = join(dir, 'dask.csv');
      const run = runPython([SCRIPT, model, join(dir, 'parts', 'part-*.csv'), '-o', output, '--id-column', 'row_id', '--workers', '2']);
      // Dask may log warnings on a busy machine (slow event loop, worker restarts); errors only matter.
      expect(run.stderr).not.toMatch(/^error:|Traceback/m);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^scored 203 rows from 3 files on 2 workers in [\d.]+s, flagged \d+ \(/);

      const ours = readCsv(output);
      const theirs = readCsv(expected);
      expect(Object.keys(ours)).toEqual(['row_id', 'score', 'flag']);
      // Rows come back in file order: the ids of the three files, one after the other.
      const ids = [70, 45, 88].flatMap((count, p) => Array.from({ length: count }, (_v, i) => `p${p}-${i}`));
      expect(ours['row_id']).toEqual(ids);
      const scores = ours['score']!.map(Number);
      expectAllClose(scores, theirs['score']!.map(Number), 1e-5, 1e-5);
      // A flag may differ only for a score within float32 rounding of the threshold.
      const differing = ours['flag']!.filter((f, i) => f !== theirs['flag']![i] && Math.abs(scores[i]! - threshold) > 1e-4 * threshold);
      expect(differing).toEqual([]);
      const flagged = ours['flag']!.filter((f) => f === '1').length;
      expect(flagged).toBeGreaterThan(5);
      expect(flagged).toBeLessThan(203);
    },
    CLUSTER_TIMEOUT_MS + 60_000,
  );

  it(
    'writes a folder of part files with another metric, without flags the file holds no threshold for',
    async () => {
      const expected = join(dir, 'latent-mae.csv');
      expect((await runCli('score', model, join(dir, 'all.csv'), '-o', expected, '--metric', 'mae')).code).toBe(0);
      const output = join(dir, 'mae-parts');
      const run = runPython([SCRIPT, model, ...parts, '-o', output, '--metric', 'mae', '--blocksize', '2kB', '--workers', '1']);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('stores no threshold for the mae score: writing scores without flags');
      const files = readdirSync(output).sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
      expect(files.length).toBeGreaterThan(3); // 2 kB blocks split the files
      const scores = files.flatMap((f) => readCsv(join(output, f))['score']!.map(Number));
      expectAllClose(scores, readCsv(expected)['score']!.map(Number), 1e-6, 1e-5);
      expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    },
    CLUSTER_TIMEOUT_MS + 60_000,
  );

  it('names the file, row and column of an empty cell a worker meets', () => {
    const program = [
      'import sys, pandas as pd',
      `sys.path[:0] = [${JSON.stringify(PARTITIONS)}, ${JSON.stringify(LOADER)}]`,
      'from latent_partitions import score_partition',
      `frame = pd.read_csv(${JSON.stringify(parts[0])}, nrows=4)`,
      'frame.loc[2, "flow"] = float("nan")',
      'frame["src"] = "part-0.csv"',
      `model = open(${JSON.stringify(model)}, "rb").read()`,
      `cols = ${JSON.stringify(COLUMNS)}`,
      'print(score_partition(frame.iloc[:2], model, "m", cols, "row_id", None, "src").to_csv(index=False))',
      'score_partition(frame, model, "m", cols, "row_id", None, "src")',
    ].join('\n');
    const run = runPython(['-c', program]);
    expect(run.stdout).toMatch(/^row_id,score,flag\np0-0,/);
    expect(run.stderr).toContain("ValueError: part-0.csv: column 'flow' is empty in row 'p0-2'");
  });

  it(
    'refuses bad arguments before starting a cluster',
    () => {
      const existing = join(dir, 'exists.csv');
      writeFileSync(existing, 'keep me\n');
      const refused = runPython([SCRIPT, model, parts[0]!, '-o', existing]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toBe(`error: ${existing} exists; pass --force to replace it\n`);
      expect(readFileSync(existing, 'utf8')).toBe('keep me\n');

      const none = runPython([SCRIPT, model, join(dir, 'nowhere', '*.csv'), '-o', join(dir, 'x.csv')]);
      expect(none.stderr).toBe(`error: no file matches ${join(dir, 'nowhere', '*.csv')}\n`);

      const narrow = join(dir, 'narrow.csv');
      writeFileSync(narrow, 'row_id,load,temp\nq0,1,2\n');
      const missing = runPython([SCRIPT, model, parts[0]!, narrow, '-o', join(dir, 'x.csv')]);
      expect(missing.stderr).toBe(`error: ${narrow} has no column flow, pressure, speed, noise (its header: row_id, load, temp)\n`);

      const text = join(dir, 'text.csv');
      writeFileSync(text, `${HEADER}\nq0,1,2,3,4,5,6\nq1,1,2,n/a,4,5,6\n`);
      const bad = runPython([SCRIPT, model, text, '-o', join(dir, 'x.csv')]);
      expect(bad.stderr).toBe(`error: ${text}, line 3, column 'flow': 'n/a' is not a number\n`);

      const swapped = runPython([SCRIPT, parts[0]!, model, '-o', join(dir, 'x.csv')]);
      expect(swapped.status).toBe(1);
      expect(swapped.stderr).toMatch(/^error: .*part-0\.csv is not a safetensors file: /);
    },
    CLUSTER_TIMEOUT_MS,
  );
});
