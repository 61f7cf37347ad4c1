/**
 * ServedModel: one loaded version of a model file and the library objects that answer requests
 * for it — the same ones `latent score`, `encode`, `reconstruct` and `denoise` build, so answers
 * equal the CLI's: `AutoencoderDetector.fromLoaded` (stored threshold, or scores only),
 * `SeriesScorer.fromLoaded` for time-series files, `AutoencoderDenoiser.fromLoaded`.
 *
 * Invariant: a ServedModel never changes after loading. A reload builds a new one and swaps it
 * in; requests already holding the old one (and its pending batches) finish on it.
 */

import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Dataset } from '../data/dataset.js';
import { defaultColumnNames } from '../data/dataset.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import type { LoadedModel } from '../io/model-io.js';
import { loadModel } from '../io/model-node.js';
import { trainedCsvColumns } from '../io/training-summary.js';
import { flagAbove } from '../tasks/detector-common.js';
import { AutoencoderDenoiser } from '../tasks/denoiser.js';
import { AutoencoderDetector } from '../tasks/detector.js';
import { taskKind, type TaskKind } from '../tasks/model-task.js';
import { formatThresholdRule } from '../tasks/threshold.js';
import { SeriesScorer } from '../tasks/timeseries.js';
import { MicroBatcher, type RowOp } from './batcher.js';
import type { RowSpec } from './request-rows.js';

/** Endpoints that take rows. */
export type RowEndpoint = 'score' | 'encode' | 'reconstruct' | 'denoise';

/** The answer of `/v1/score` for rows. */
export interface RowScores {
  readonly scores: Float64Array;
  /** Present only when the model stores a threshold. */
  readonly flags?: Uint8Array;
}

/** How a model's requests are batched, and who hears of each model call. */
export interface Batching {
  /** See `MicroBatcher` (0 disables batching). */
  readonly windowMs: number;
  readonly onModelCall?: (model: string, endpoint: RowEndpoint, requests: number, rows: number) => void;
  /** Whether other requests are being handled; a lone request does not wait for the window. */
  readonly othersInFlight?: () => boolean;
}

/** A stored threshold and how it was set. */
export interface ThresholdInfo {
  readonly value: number;
  readonly rule: string;
  readonly metric: string;
}

/**
 * The model name a file is served under: its base name without `.safetensors`.
 *
 * @example
 * modelName('/models/wbc.safetensors'); // 'wbc'
 */
export function modelName(path: string): string {
  return basename(path).replace(/\.safetensors$/i, '');
}

export class ServedModel {
  readonly kind: TaskKind;
  /** One name per input value (per channel, for a series model). */
  readonly columns: readonly string[];
  readonly loadedAt = new Date();
  private readonly detector: AutoencoderDetector | undefined;
  private readonly scorer: SeriesScorer | undefined;
  private readonly denoiser: AutoencoderDenoiser | undefined;
  private readonly batchers = new Map<RowEndpoint, MicroBatcher>();
  private draining = false;

  /** Seconds spent reading the file and building the task objects. */
  readonly loadSeconds: number;

  private constructor(
    readonly name: string,
    readonly path: string,
    readonly loaded: LoadedModel,
    private readonly batching: Batching,
    startedAt: number,
  ) {
    this.kind = taskKind(loaded);
    if (this.kind === 'series') {
      this.scorer = SeriesScorer.fromLoaded(loaded, path);
      this.columns = this.scorer.columns;
    } else {
      this.detector = AutoencoderDetector.fromLoaded(loaded, path);
      this.denoiser = AutoencoderDenoiser.fromLoaded(loaded, path);
      this.columns = rowColumns(loaded);
    }
    this.loadSeconds = (performance.now() - startedAt) / 1000;
  }

  /**
   * Load `path` and build what its requests need; throws the loader's LatentError naming the file.
   *
   * @example
   * const served = ServedModel.load('wbc.safetensors', 'wbc', { windowMs: 2 });
   */
  static load(path: string, name: string, batching: Batching): ServedModel {
    const startedAt = performance.now();
    return new ServedModel(name, path, loadModel(path), batching, startedAt);
  }

  /** How request bodies map to this model's inputs. */
  get spec(): RowSpec {
    return {
      model: this.name,
      columns: this.columns,
      byName: this.kind !== 'series' && trainedCsvColumns(this.loaded.training) !== undefined,
      key: this.kind === 'series' ? 'series' : 'rows',
    };
  }

  /** The stored threshold, or undefined when the model has none (rows are scored, not flagged). */
  get threshold(): ThresholdInfo | undefined {
    if (this.scorer !== undefined) {
      return { value: this.scorer.threshold, rule: formatThresholdRule(this.scorer.rule), metric: 'mse' };
    }
    if (this.kind !== 'detector' || this.detector === undefined) return undefined;
    return { value: this.detector.threshold, rule: formatThresholdRule(this.detector.rule), metric: this.detector.metric };
  }

  /** The series scorer's window and stride, for a time-series model. */
  get window(): { readonly window: number; readonly stride: number } | undefined {
    return this.scorer === undefined ? undefined : { window: this.scorer.window, stride: this.scorer.stride };
  }

  /** Why `endpoint` does not apply to this model, or undefined when it does. */
  refusal(endpoint: RowEndpoint): LatentError | undefined {
    if (this.scorer === undefined || endpoint === 'score') return undefined;
    return new LatentError(
      `the model "${this.name}" is a time-series model: its inputs are windows of ${this.scorer.window} time steps, not rows, so it has no /v1/${endpoint}`,
      `score a series with POST /v1/score {"series": [[v, ...], ...]}, or ${endpoint} with a model trained on rows`,
    );
  }

  /** Scores (and flags, with a stored threshold) of checked rows; batched with other requests. */
  async scoreRows(x: Matrix): Promise<RowScores> {
    const { data } = await this.batcher('score').run(x);
    const scores = Float64Array.from(data);
    const threshold = this.threshold;
    return threshold === undefined ? { scores } : { scores, flags: flagAbove(scores, threshold.value) };
  }

  /** Point scores and flags of a series (never batched: a series is one sequence). */
  scoreSeries(series: Dataset): ReturnType<SeriesScorer['score']> {
    if (this.scorer === undefined) throw new Error('scoreSeries needs a series model');
    const { window } = this.scorer;
    if (series.x.rows < window) {
      throw new LatentError(
        `${series.source} has ${series.x.rows} time steps, fewer than the window of ${window} steps of the model "${this.name}"`,
        `score a series of at least ${window} time steps`,
      );
    }
    return this.scorer.score(series);
  }

  /** Codes, reconstructions or denoised rows of checked rows; batched with other requests. */
  async transform(endpoint: Exclude<RowEndpoint, 'score'>, x: Matrix): Promise<Matrix> {
    const refused = this.refusal(endpoint);
    if (refused !== undefined) throw refused;
    const { data, cols } = await this.batcher(endpoint).run(x);
    return matrix(Float32Array.from(data), x.rows, cols);
  }

  /** Run waiting batches now and stop batching (see `MicroBatcher.drain`). */
  drain(): void {
    this.draining = true;
    for (const batcher of this.batchers.values()) batcher.drain();
  }

  private batcher(endpoint: RowEndpoint): MicroBatcher {
    let batcher = this.batchers.get(endpoint);
    if (batcher === undefined) {
      const { windowMs, onModelCall, othersInFlight } = this.batching;
      batcher = new MicroBatcher(this.op(endpoint), {
        windowMs: this.draining ? 0 : windowMs,
        ...(othersInFlight === undefined ? {} : { othersInFlight }),
        ...(onModelCall === undefined ? {} : { onCall: (requests, rows) => onModelCall(this.name, endpoint, requests, rows) }),
      });
      this.batchers.set(endpoint, batcher);
    }
    return batcher;
  }

  private op(endpoint: RowEndpoint): RowOp {
    const detector = this.detector;
    const denoiser = this.denoiser;
    if (detector === undefined || denoiser === undefined) throw new Error(`${endpoint} needs a row model`);
    const model = this.loaded.model;
    switch (endpoint) {
      case 'score':
        return (x) => ({ data: detector.score(x), cols: 1 });
      case 'encode':
        return (x) => model.encode(x);
      case 'reconstruct':
        return (x) => model.reconstruct(x);
      case 'denoise':
        return (x) => denoiser.denoise(x);
    }
  }
}

/** The training columns when the file names one per input, else x0, x1, …. */
function rowColumns(loaded: LoadedModel): string[] {
  const stored = loaded.training?.['columns'];
  const width = loaded.model.inputDim;
  if (Array.isArray(stored) && stored.length === width && stored.every((c): c is string => typeof c === 'string')) return [...stored];
  return defaultColumnNames(width);
}
