/**
 * Test helpers for the scoring server: small trained models saved to a temp folder (a WBC
 * detector with a stored threshold, the same data's plain model without one, a one-channel series
 * model on a seeded sine), and bounded HTTP calls against a running server.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { matrix, type Matrix } from '../../data/matrix.js';
import { loadDataset } from '../../data/node-loaders.js';
import { saveModel } from '../../io/model-node.js';
import { AutoencoderDetector } from '../../tasks/detector.js';
import { SeriesScorer } from '../../tasks/timeseries.js';

export const WBC = resolve(process.cwd(), '../shared/data/adbench/42_WBC.npz');

export interface Fixtures {
  readonly dir: string;
  /** WBC rows (223 × 9). */
  readonly x: Matrix;
  /** A detector storing a contamination:0.1 threshold. */
  readonly detectorPath: string;
  readonly detector: AutoencoderDetector;
  /** The detector's model saved without detector settings: scores only. */
  readonly plainPath: string;
  /** A series model (window 16) and a series to score with it. */
  readonly seriesPath: string;
  readonly scorer: SeriesScorer;
  readonly series: Matrix;
}

/** A seeded one-channel sine with a bump, `n` time steps. */
export function sineSeries(n: number, bumpAt = -1): Matrix {
  const data = new Float32Array(n);
  for (let t = 0; t < n; t++) data[t] = Math.sin((2 * Math.PI * t) / 24) + (t >= bumpAt && t < bumpAt + 5 && bumpAt >= 0 ? 3 : 0);
  return matrix(data, n, 1);
}

/** Train the small models (about a second) and save them to a fresh temp folder. */
export async function makeFixtures(seed = 1): Promise<Fixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'latent-serve-'));
  const x = loadDataset(WBC).x;
  const detector = await new AutoencoderDetector({ epochs: 2, seed }).fit(x);
  const detectorPath = join(dir, 'wbc.safetensors');
  saveModel(detectorPath, detector.model, { extra: detector.detectorExtra() });
  const plainPath = join(dir, 'plain.safetensors');
  saveModel(plainPath, detector.model);
  const scorer = await new SeriesScorer({ window: 16, epochs: 2, seed }).fit(sineSeries(200));
  const seriesPath = join(dir, 'sine.safetensors');
  saveModel(seriesPath, scorer.model, { extra: scorer.seriesExtra() });
  return { dir, x, detectorPath, detector, plainPath, seriesPath, scorer, series: sineSeries(120, 60) };
}

/** Rows of a matrix as JSON arrays. */
export function jsonRows(m: Matrix, from = 0, to = m.rows): number[][] {
  const rows: number[][] = [];
  for (let r = from; r < to; r++) rows.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return rows;
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

/** POST `body` (an object is sent as JSON) and read the answer. */
export async function post(url: string, body: unknown, contentType = 'application/json'): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: parseObject(text) };
}

/** GET `url` and read the answer. */
export async function get(url: string): Promise<Answer> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, text, body: parseObject(text) };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
  } catch {
    return {};
  }
}

/** A field of an answer as numbers (throws when it is not a list of numbers). */
export function numbers(answer: Answer, key: string): number[] {
  const value = answer.body[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number'))
    throw new Error(`${key} is not a list of numbers: ${answer.text}`);
  return value;
}
