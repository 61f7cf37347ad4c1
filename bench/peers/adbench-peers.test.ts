/**
 * The ADBench peer benchmark (bench/peers/adbench_peers.py) in its --quick mode: two small sets,
 * one seed. The JSON result must have the documented shape, every ROC-AUC and PR-AUC must lie in
 * [0, 1], and Isolation Forest must separate 42_WBC's anomalies (ROC-AUC above 0.8; it scores
 * about 0.99 there), so a broken score direction or label handling fails.
 *
 * Skipped unless /usr/bin/python3 imports both torch and sklearn (Debian's python3-torch and
 * python3-sklearn install there; CI machines usually have neither) and the shared ADBench data
 * sets are present.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(process.cwd(), 'bench/peers/adbench_peers.py');
const DATA = resolve(process.cwd(), '../shared/data/adbench');
const METHODS = ['pyod_ae', 'iforest', 'pca_pyod'] as const;

function skipReason(): string | undefined {
  if (!existsSync(join(DATA, '42_WBC.npz'))) return `no ADBench data at ${DATA}`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${PYTHON} cannot import torch and sklearn`;
  return undefined;
}

const reason = skipReason();
if (reason !== undefined) console.warn(`adbench_peers.py --quick skipped: ${reason}`);

interface MethodResult {
  roc: number;
  pr: number;
  seconds: number;
}

describe.skipIf(reason !== undefined)('adbench_peers.py --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-peers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes per-set results with ROC-AUC and PR-AUC in [0, 1], and Isolation Forest finds 42_WBC's anomalies", () => {
    const out = join(dir, 'peers.json');
    const run = spawnSync(PYTHON, [SCRIPT, '--quick', '--data', DATA, '--out', out], { encoding: 'utf8', timeout: 110_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\| 42_WBC \|/);

    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      sets: Record<string, Record<string, unknown>>;
      meta: Record<string, unknown>;
    };
    expect(Object.keys(result.sets).sort()).toEqual(['42_WBC', '4_breastw']);
    expect(result.meta['seeds']).toEqual([0]);
    expect(result.meta['torch']).toMatch(/^\d+\.\d+/);
    expect(result.meta['sklearn']).toMatch(/^\d+\.\d+/);
    expect(result.meta['threads']).toBe(1);

    const wbc = result.sets['42_WBC']!;
    expect(wbc).toMatchObject({ rows: 223, features: 9, anomalies: 10 });
    for (const entry of Object.values(result.sets)) {
      for (const name of METHODS) {
        const m = entry[name] as MethodResult;
        expect(m.roc).toBeGreaterThanOrEqual(0);
        expect(m.roc).toBeLessThanOrEqual(1);
        expect(m.pr).toBeGreaterThanOrEqual(0);
        expect(m.pr).toBeLessThanOrEqual(1);
        expect(m.seconds).toBeGreaterThanOrEqual(0);
      }
    }
    expect((wbc['iforest'] as MethodResult).roc).toBeGreaterThan(0.8);
  });
});
