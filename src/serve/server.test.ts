/**
 * The scoring server end to end on a free loopback port: answers equal `latent score` and the
 * library calls behind encode/reconstruct/denoise, series models score per time step, every bad
 * input gets its 4xx and message, /v1/models, /metrics and the request log.
 */

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatThresholdRule } from '../tasks/threshold.js';
import { DEFAULT_SERIES_RULE } from '../tasks/timeseries.js';
import { runCli } from '../cli/test-utils/capture.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { serve, type ServeHandle } from './server.js';
import { get, jsonRows, makeFixtures, numbers, post, type Fixtures } from './test-utils/fixtures.js';

/** The `score` and `flag` columns of a `latent score` CSV. */
function readScoresCsv(path: string): { scores: number[]; flags: number[] } {
  const [, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cells = lines.map((l) => l.split(','));
  return { scores: cells.map((c) => Number(c.at(-2))), flags: cells.map((c) => Number(c.at(-1))) };
}

describe('latent serve', () => {
  let f: Fixtures;
  let server: ServeHandle;
  const logLines: string[] = [];

  beforeAll(async () => {
    f = await makeFixtures();
    server = await serve([f.detectorPath, f.plainPath, f.seriesPath], {
      port: 0,
      watch: false,
      logStream: { write: (line) => void logLines.push(line) },
    });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('scores rows as latent score does, with the stored threshold and flags', async () => {
    const out = join(f.dir, 'scores.csv');
    const run = await runCli('score', f.detectorPath, join(process.cwd(), '../shared/data/adbench/42_WBC.npz'), '-o', out);
    expect(run.code).toBe(0);
    const cli = readScoresCsv(out);
    const answer = await post(`${server.url}/v1/score`, { rows: jsonRows(f.x) });
    expect(answer.status).toBe(200);
    // The CLI writes float32 scores at their shortest digits; the server sends the same float32 values.
    expect(numbers(answer, 'scores').map(Math.fround)).toEqual(cli.scores.map(Math.fround));
    expect(numbers(answer, 'flags')).toEqual(cli.flags);
    expect(answer.body['threshold']).toBe(f.detector.threshold);
    expect(answer.body['rule']).toBe('contamination:0.1');
    expect(cli.flags.filter((v) => v === 1).length).toBeGreaterThan(0);
  });

  it('reads CSV with a header and objects keyed by column name the same way', async () => {
    const rows = jsonRows(f.x, 0, 5);
    const csv = `x0,x1,x2,x3,x4,x5,x6,x7,x8\n${rows.map((r) => r.join(',')).join('\n')}\n`;
    const byArray = await post(`${server.url}/v1/score`, { rows });
    const byCsv = await post(`${server.url}/v1/score`, csv, 'text/csv; charset=utf-8');
    const byName = await post(`${server.url}/v1/score`, { rows: rows.map((r) => Object.fromEntries(r.map((v, i) => [`x${i}`, v]))) });
    expect(byCsv.status).toBe(200);
    expect(byCsv.body['scores']).toEqual(byArray.body['scores']);
    expect(byName.body['scores']).toEqual(byArray.body['scores']);
    expectAllClose(numbers(byArray, 'scores'), f.detector.score(f.x).subarray(0, 5), 0, 1e-6);
  });

  it('scores without flags for a model with no threshold, and says so', async () => {
    const answer = await post(`${server.url}/v1/score?model=plain`, { rows: jsonRows(f.x, 0, 10) });
    expect(answer.status).toBe(200);
    expect(answer.body['flags']).toBeUndefined();
    expect(answer.body['threshold']).toBeNull();
    expect(answer.body['note']).toContain('stores no threshold');
    expectAllClose(numbers(answer, 'scores'), f.detector.score(f.x, 'mse').subarray(0, 10), 0, 1e-6);
  });

  it('scores a series per time step with the stored window and threshold', async () => {
    const expected = f.scorer.score(f.series);
    const answer = await post(`${server.url}/v1/score?model=sine`, { series: jsonRows(f.series) });
    expect(answer.status).toBe(200);
    expectAllClose(numbers(answer, 'scores'), expected.pointScores, 0, 1e-6);
    expect(numbers(answer, 'flags')).toEqual(Array.from(expected.flags));
    expect(answer.body).toMatchObject({
      threshold: expected.threshold,
      window: 16,
      stride: 1,
      rule: formatThresholdRule(DEFAULT_SERIES_RULE),
    });
    const csv = `timestamp,value\n${Array.from(f.series.data, (v, i) => `${new Date(Date.UTC(2024, 0, 1, i)).toISOString()},${v}`).join('\n')}\n`;
    const fromCsv = await post(`${server.url}/v1/score?model=sine`, csv, 'text/csv');
    expect(fromCsv.body['scores']).toEqual(answer.body['scores']);
    expect((fromCsv.body['timestamps'] as string[])[1]).toBe('2024-01-01T01:00:00.000Z');
    const plain = await post(`${server.url}/v1/score?model=sine`, { series: Array.from(f.series.data) });
    expect(plain.body['scores']).toEqual(answer.body['scores']);
  });

  it('refuses a series shorter than the window, a row body and the wrong channel count, and notes unsorted timestamps, as latent score does', async () => {
    const short = await post(`${server.url}/v1/score?model=sine`, { series: [1, 2, 3] });
    expect(short.status).toBe(400);
    expect(short.body).toEqual({
      error: 'request body has 3 time steps, fewer than the window of 16 steps of the model "sine"',
      hint: 'score a series of at least 16 time steps',
    });
    const rows = await post(`${server.url}/v1/score?model=sine`, { rows: [[1]] });
    expect(rows.body['error']).toContain('holds "rows", but the model "sine" is a time-series model');
    const wide = await post(`${server.url}/v1/score?model=sine`, { series: [[1, 2]] });
    expect(wide.body['error']).toBe('request body: series[0] has 2 values, but the model "sine" expects 1 channel per time step: x0');
    const days = Array.from({ length: 20 }, (_, i) => `2024-01-${String(20 - i).padStart(2, '0')},${i}`);
    const unsorted = await post(`${server.url}/v1/score?model=sine`, `timestamp,value\n${days.join('\n')}\n`, 'text/csv');
    expect(unsorted.status).toBe(200);
    expect(unsorted.body['note']).toMatch(
      /^request body: 19 timestamps earlier than the row before \(first at data row 1, 2024-01-19 00:00:00\); rows kept in file order/,
    );
  });

  it('encodes, reconstructs and denoises with the library calls of the CLI commands', async () => {
    const rows = jsonRows(f.x, 0, 4);
    const head = { data: f.x.data.subarray(0, 4 * 9), rows: 4, cols: 9 };
    const codes = await post(`${server.url}/v1/encode`, { rows });
    expectAllClose((codes.body['codes'] as number[][]).flat(), f.detector.model.encode(head).data, 0, 1e-6);
    const rebuilt = await post(`${server.url}/v1/reconstruct`, { rows });
    expectAllClose((rebuilt.body['reconstructions'] as number[][]).flat(), f.detector.model.reconstruct(head).data, 0, 1e-6);
    const denoised = await post(`${server.url}/v1/denoise`, { rows });
    expect(denoised.body['denoised']).toEqual(rebuilt.body['reconstructions']);
    expect(denoised.body['columns']).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8']);
  });

  it('refuses encode for a series model, naming why', async () => {
    const answer = await post(`${server.url}/v1/encode?model=sine`, { rows: [[1]] });
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toContain('"sine" is a time-series model');
    expect(answer.body['hint']).toContain('/v1/score');
  });

  it.each([
    ['malformed JSON', '{"rows": [[1, 2', 'application/json', 400, /not valid JSON: .*position/],
    ['an empty body', '', 'application/json', 400, /request body is empty/],
    ['a body that is not an object', '[[1, 2]]', 'application/json', 400, /request body must be object/],
    ['an unknown field', '{"rowz": [[1]]}', 'application/json', 400, /unknown field "rowz"/],
    ['no rows', '{"rows": []}', 'application/json', 400, /"rows" holds no rows/],
    ['a series for a row model', '{"series": [[1]]}', 'application/json', 400, /holds "series", but the model "wbc" scores rows/],
    ['a number where a row belongs', '{"rows": [1, 2]}', 'application/json', 400, /rows\[0\] is number 1, not a row/],
    ['the wrong width', '{"rows": [[1, 2, 3]]}', 'application/json', 400, /rows\[0\] has 3 values, but the model "wbc" expects 9 .*x0, x1/],
    [
      'a string cell',
      '{"rows": [[1,2,3,4,5,6,7,8,"a"]]}',
      'application/json',
      400,
      /rows\[0\], column "x8" \(index 8\): non-numeric value "a"/,
    ],
    [
      'a null cell',
      '{"rows": [[1,2,3,4,5,6,7,8,9],[1,null,3,4,5,6,7,8,9]]}',
      'application/json',
      400,
      /rows\[1\], column "x1" \(index 1\): null/,
    ],
    [
      'an infinite number',
      '{"rows": [[1,2,3,4,5,6,7,8,1e999]]}',
      'application/json',
      400,
      /column "x8" \(index 8\): NaN\/Inf value Infinity/,
    ],
    ['"NaN" as text', '{"rows": [[1,2,"NaN",4,5,6,7,8,9]]}', 'application/json', 400, /column "x2" \(index 2\): NaN\/Inf value "NaN"/],
    ['a value beyond float32', '{"rows": [[1,2,3,4,5,6,7,8,1e39]]}', 'application/json', 400, /outside the float32 range/],
    ['a missing column', '{"rows": [{"x0": 1}]}', 'application/json', 400, /rows\[0\] has no column "x1"/],
    ['a CSV of the wrong width', 'a,b\n1,2\n', 'text/csv', 400, /2 numeric columns, but the model "wbc" expects 9/],
    [
      'a CSV cell that is not a number',
      'x0,x1,x2,x3,x4,x5,x6,x7,x8\n1,2,3,4,5,6,7,8,9\n1,2,3,4,5,6,7,8,oops\n',
      'text/csv',
      400,
      /row 3, column "x8" \(index 8\): non-numeric value "oops"/,
    ],
    ['an unsupported content type', 'hello', 'text/plain', 415, /unsupported Content-Type/],
  ])('answers %s with a JSON error and hint', async (_what, body, type, status, message) => {
    const answer = await post(`${server.url}/v1/score`, body, type);
    expect(answer.status).toBe(status);
    expect(answer.body['error']).toMatch(message);
    expect(typeof answer.body['hint']).toBe('string');
  });

  it('answers a bounded stream of random bodies with 4xx errors and keeps serving', async () => {
    const rng = new Rng(5);
    const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!;
    const cell = (): unknown => pick([1.5, -2, 0, 1e308, -1e-320, 'x', '', null, true, [], {}, [1, [2]], { x0: 1 }, 'Infinity']);
    const row = (): unknown =>
      rng.uniform() < 0.5 ? Array.from({ length: pick([0, 1, 8, 9, 10]) }, cell) : { x0: cell(), x1: cell(), y: cell() };
    const texts = [
      () => JSON.stringify({ rows: Array.from({ length: rng.int(4) }, row) }),
      () => JSON.stringify({ series: Array.from({ length: rng.int(30) }, cell) }),
      () => JSON.stringify(pick([null, 1, 'rows', [], { rows: null }, { rows: {} }, { rows: 'a' }, { __proto__: { rows: 1 } }])),
      () => String.fromCharCode(...Array.from({ length: rng.int(40) }, () => rng.int(256))),
      () => `x0,x1\n${Array.from({ length: rng.int(5) }, () => `${cell()},${cell()}`).join('\n')}`,
      () => '{"rows": [[1,2,3'.slice(0, rng.int(16)),
    ];
    const types = ['application/json', 'text/csv', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded'];
    const models = ['', '?model=wbc', '?model=sine', '?model=plain', '?model=%00', '?model=a&model=b'];
    const endpoints = ['score', 'encode', 'reconstruct', 'denoise'];
    for (let i = 0; i < 150; i++) {
      const answer = await post(`${server.url}/v1/${pick(endpoints)}${pick(models)}`, pick(texts)(), pick(types));
      expect(answer.status, answer.text).toBeLessThan(500);
      if (answer.status >= 400) expect(typeof answer.body['error'], answer.text).toBe('string');
    }
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers an unknown model with 404 and an unknown route with 404', async () => {
    const model = await post(`${server.url}/v1/score?model=nope`, { rows: [[1]] });
    expect(model.status).toBe(404);
    expect(model.body['error']).toBe('no model named "nope"; this server has wbc, plain, sine');
    const route = await get(`${server.url}/v2/score`);
    expect(route.status).toBe(404);
    expect(route.body['hint']).toContain('/v1/score');
  });

  it('describes the models', async () => {
    const answer = await get(`${server.url}/v1/models`);
    expect(answer.body['default']).toBe('wbc');
    const [wbc, plain, sine] = answer.body['models'] as Record<string, unknown>[];
    expect(wbc).toMatchObject({
      name: 'wbc',
      default: true,
      file: 'wbc.safetensors',
      family: 'dense',
      kind: 'detector',
      inputs: 9,
      latentSize: f.detector.model.latentDim,
      threshold: { value: f.detector.threshold, rule: 'contamination:0.1', metric: 'combined' },
      endpoints: ['score', 'encode', 'reconstruct', 'denoise'],
    });
    expect(plain).toMatchObject({ name: 'plain', kind: 'plain', threshold: null });
    expect(sine).toMatchObject({ kind: 'series', columns: ['x0'], series: { window: 16, stride: 1 }, endpoints: ['score'] });
    expect((await get(`${server.url}/healthz`)).body).toEqual({ status: 'ok', models: 3 });
  });

  it('counts requests, rows, errors, latency and load time in /metrics', async () => {
    await post(`${server.url}/v1/score`, { rows: jsonRows(f.x, 0, 7) });
    const answer = await get(`${server.url}/metrics`);
    expect(answer.status).toBe(200);
    const text = answer.text;
    expect(text).toMatch(/^# TYPE latent_serve_requests_total counter$/m);
    expect(text).toMatch(/^latent_serve_requests_total\{method="POST",route="\/v1\/score",status="200"\} \d+$/m);
    expect(text).toMatch(/^latent_serve_requests_total\{method="POST",route="\/v1\/score",status="400"\} \d+$/m);
    expect(text).toMatch(/^latent_serve_rows_total\{model="wbc",endpoint="score"\} \d+$/m);
    expect(text).toMatch(/^latent_serve_errors_total\{kind="bad_json"\} \d+$/m);
    expect(text).toMatch(/^latent_serve_errors_total\{kind="unknown_model"\} \d+$/m);
    expect(text).toMatch(/^latent_serve_request_duration_seconds_bucket\{le="\+Inf",route="\/v1\/score"\} \d+$/m);
    expect(text).toMatch(/^latent_serve_model_load_seconds\{model="sine"\} [\d.e-]+$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('logs one JSON line per request', async () => {
    const before = logLines.length;
    await post(`${server.url}/v1/score?model=plain`, { rows: jsonRows(f.x, 0, 3) });
    await post(`${server.url}/v1/score?model=nope`, { rows: [[1]] });
    const lines = logLines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request', method: 'POST', route: '/v1/score', status: 200, model: 'plain', rows: 3 });
    expect(lines[1]).toMatchObject({ status: 404, error: 'no model named "nope"; this server has wbc, plain, sine' });
  });
});

describe('latent serve limits', () => {
  let f: Fixtures;
  let server: ServeHandle;

  beforeAll(async () => {
    f = await makeFixtures();
    server = await serve([f.detectorPath], { port: 0, watch: false, maxBodyBytes: 1024, logLevel: 'silent' });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('refuses a body over the limit with 413 before parsing it', async () => {
    // Not even JSON: a parser would answer 400, so 413 shows the limit came first.
    const answer = await post(`${server.url}/v1/score`, `{${'x'.repeat(4096)}`);
    expect(answer.status).toBe(413);
    expect(answer.body['error']).toBe("request body is larger than the server's limit of 1 KiB");
    const csv = await post(`${server.url}/v1/score`, 'x'.repeat(4096), 'text/csv');
    expect(csv.status).toBe(413);
    expect((await post(`${server.url}/v1/score`, { rows: jsonRows(f.x, 0, 2) })).status).toBe(200);
  });
});
