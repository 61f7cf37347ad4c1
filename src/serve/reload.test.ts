/**
 * Hot reload: a model file rewritten (atomically, by saveModel) while requests run is swapped in
 * without a failed request; a file of another width is taken and logged; a broken file is refused
 * and the old model keeps serving. Every wait is a bounded poll.
 */

import { rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from '../data/matrix.js';
import { saveModel } from '../io/model-node.js';
import { AutoencoderDetector } from '../tasks/detector.js';
import { serve, type ServeHandle } from './server.js';
import { get, jsonRows, makeFixtures, numbers, post, type Fixtures } from './test-utils/fixtures.js';

/** Poll `check` up to `tries` times, `ms` apart, until it returns true. */
async function eventually(check: () => Promise<boolean>, tries = 200, ms = 25): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await sleep(ms);
  }
  return false;
}

function reloads(metrics: string, result: string): number {
  return Number(new RegExp(`^latent_serve_model_reloads_total\\{model="wbc",result="${result}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
}

describe('hot reload', () => {
  let f: Fixtures;
  let server: ServeHandle;
  const logs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    f = await makeFixtures();
    server = await serve([f.detectorPath], {
      port: 0,
      reloadDebounceMs: 20,
      logStream: { write: (line) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
    });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('swaps in a rewritten model file while requests run, failing none', async () => {
    const next = await new AutoencoderDetector({ epochs: 2, seed: 7, rule: { kind: 'contamination', fraction: 0.2 } }).fit(f.x);
    const rows = jsonRows(f.x, 0, 3);
    const oldScores = Array.from(f.detector.score(matrix(f.x.data.subarray(0, 27), 3, 9)));
    const newScores = Array.from(next.score(matrix(f.x.data.subarray(0, 27), 3, 9)));
    expect(newScores).not.toEqual(oldScores);

    const statuses: number[] = [];
    const seen = { old: 0, new: 0 };
    let rewritten = false;
    // Four clients, each a bounded loop; the file is rewritten once 20 answers are in, and the
    // loops end once the new model has answered 20 times.
    const client = async (): Promise<void> => {
      for (let i = 0; i < 150 && seen.new < 20; i++) {
        const answer = await post(`${server.url}/v1/score`, { rows });
        statuses.push(answer.status);
        if (answer.status !== 200) continue;
        const scores = numbers(answer, 'scores');
        if (scores.every((s, j) => s === oldScores[j])) seen.old++;
        else if (scores.every((s, j) => s === newScores[j]) && answer.body['threshold'] === next.threshold) seen.new++;
        if (!rewritten && statuses.length >= 20) {
          rewritten = true;
          saveModel(f.detectorPath, next.model, { overwrite: true, extra: next.detectorExtra() });
        }
        await sleep(2);
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    expect(rewritten).toBe(true);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(seen.old).toBeGreaterThanOrEqual(20);
    expect(seen.new).toBeGreaterThanOrEqual(20);
    expect(seen.old + seen.new).toBe(statuses.length);
    const described = await get(`${server.url}/v1/models`);
    expect((described.body['models'] as Array<Record<string, unknown>>)[0]).toMatchObject({
      threshold: { value: next.threshold, rule: 'contamination:0.2' },
    });
    expect(logs.some((l) => l['msg'] === 'reloaded the model' && l['model'] === 'wbc')).toBe(true);
  });

  it('keeps serving the old model when the new file is broken', async () => {
    const before = await post(`${server.url}/v1/score`, { rows: jsonRows(f.x, 0, 2) });
    writeFileSync(f.detectorPath, 'not a model file');
    const refused = await eventually(async () => reloads((await get(`${server.url}/metrics`)).text, 'refused') >= 1);
    expect(refused).toBe(true);
    const after = await post(`${server.url}/v1/score`, { rows: jsonRows(f.x, 0, 2) });
    expect(after.status).toBe(200);
    expect(after.body['scores']).toEqual(before.body['scores']);
    const line = logs.find((l) => l['msg'] === 'refused the changed model file; the previous version keeps serving');
    expect(line).toMatchObject({ level: 50, model: 'wbc' });
    expect(String(line?.['reason'])).toContain('wbc.safetensors');
  });

  it('takes a model of another width and logs the change', async () => {
    const narrow = matrix(
      Float32Array.from({ length: 100 * 5 }, (_, i) => f.x.data[Math.floor(i / 5) * 9 + (i % 5)]!),
      100,
      5,
    );
    const detector = await new AutoencoderDetector({ epochs: 1, seed: 3 }).fit(narrow);
    saveModel(f.detectorPath, detector.model, { overwrite: true, extra: detector.detectorExtra() });
    const swapped = await eventually(async () => (await post(`${server.url}/v1/score`, { rows: [[1, 2, 3, 4, 5]] })).status === 200);
    expect(swapped).toBe(true);
    const wide = await post(`${server.url}/v1/score`, { rows: jsonRows(f.x, 0, 1) });
    expect(wide.status).toBe(400);
    expect(wide.body['error']).toContain('expects 5 values per row');
    expect(logs.find((l) => l['msg'] === 'reloaded the model; its inputs changed')).toMatchObject({
      level: 40,
      inputs: 5,
      previousInputs: 9,
    });
  });
});
