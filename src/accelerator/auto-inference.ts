/**
 * `auto`: each class of calls (kind of call × batch-size bucket, engine-chooser.ts) runs on the
 * engine that measured faster for it on this machine. A class's first call goes where the fixed
 * rule guesses (auto-policy.ts); its next calls alternate ONNX Runtime and latent's backend, each
 * engine's first call of a kind untimed as a warm-up, until each has `TIMED_CALLS` timed calls in
 * the class; then the class sticks to the one whose fastest timed call ran more rows per second
 * (or, as soon as each has one timed call, to ONNX Runtime when it leads by `DECISIVE_ORT_LEAD`),
 * giving the other engine one call again each time the class's call count doubles, in case the
 * first calls were slowed by other work on the machine (engine-chooser.ts).
 * Every call returns its engine's real result, and the engines agree to float32 tolerance, so
 * results under `auto` may come from either engine: pin `ort` or `wasm` for bit-for-bit
 * repeatable output.
 *
 * What measuring costs: a class seen once runs on the rule's engine, as before measuring existed
 * (ONNX Runtime is imported only when a call first needs it). A class seen more often pays the
 * other engine's warm-up once per kind of call (importing ONNX Runtime, about 30 ms, and building
 * its session, tens of milliseconds for W1) and, until it decides, runs every other call of its
 * first `2 · (TIMED_CALLS + 1)` at most (a further bucket of the same kind: `2 · TIMED_CALLS`) on
 * the slower engine; once settled, one call in each doubling of the class's calls runs on the
 * other engine. The command line reads rows in chunks of about 8 MB, so a file of more than
 * eight chunks settles before its end; the last, shorter chunk is a bucket of its own.
 */

import type { Matrix } from '../data/matrix.js';
import type { ScoreMetric } from '../tasks/detector-common.js';
import type { AutoencoderDetector } from '../tasks/detector.js';
import { latentEncodesFaster, MEASURE_MIN_MULTIPLY_ADDS, multiplyAddsPerRow, ortPays } from './auto-policy.js';
import { EngineChooser, type Side } from './engine-chooser.js';
import type { EngineChoice, EngineName, Inference } from './inference-types.js';

export interface AutoInferenceOptions {
  readonly detector: AutoencoderDetector;
  /** latent's backend (wasm, or js). */
  readonly backend: Inference;
  /** Opens ONNX Runtime on first need; undefined when it cannot run here (not installed, or failed to load). */
  readonly openOrt: () => Promise<Inference | undefined>;
  /** The threads ONNX Runtime will run on, reported before it is opened. */
  readonly ortThreads: number;
  /** Milliseconds on a monotonic clock (default `performance.now`); tests pass their own. */
  readonly now?: () => number;
}

export class AutoInference implements Inference {
  private readonly chooser = new EngineChooser();
  private readonly now: () => number;
  private readonly multiplyAdds: number;
  private ort: Promise<Inference | undefined> | undefined;
  private ortMissing = false;
  private readonly rows: Record<Side, number> = { ort: 0, backend: 0 };
  /** Calls started so far, and those not yet finished: a call that overlapped another is not timed. */
  private started = 0;
  private running = 0;

  constructor(private readonly options: AutoInferenceOptions) {
    this.now = options.now ?? (() => performance.now());
    this.multiplyAdds = multiplyAddsPerRow(options.detector.model);
  }

  get engine(): EngineName {
    const { ort, backend } = this.rows;
    if (ort === 0 && backend === 0) return !this.ortMissing && ortPays(this.options.detector.model) ? 'ort' : this.options.backend.engine;
    return ort >= backend ? 'ort' : this.options.backend.engine;
  }

  get threads(): number {
    return this.engine === 'ort' ? this.options.ortThreads : this.options.backend.threads;
  }

  encode(x: Matrix): Promise<Matrix> {
    return this.run('encode', x, (engine) => engine.encode(x));
  }

  reconstruct(x: Matrix): Promise<Matrix> {
    return this.run('reconstruct', x, (engine) => engine.reconstruct(x));
  }

  score(x: Matrix, metric: ScoreMetric = this.options.detector.metric): Promise<Float64Array> {
    return this.run(`score ${metric}`, x, (engine) => engine.score(x, metric));
  }

  choices(): readonly EngineChoice[] {
    const name = this.options.backend.engine;
    return this.chooser.report().map((c) => ({
      call: c.call,
      maxRows: c.maxRows,
      by: c.by,
      engine: c.side === undefined ? undefined : c.side === 'ort' ? 'ort' : name,
      rowsPerSecond: withBackendName(c.rowsPerSecond, name),
      rows: withBackendName(c.rows, name),
    }));
  }

  async close(): Promise<void> {
    const ort = await this.ort;
    await ort?.close();
  }

  private async run<T>(call: string, x: Matrix, invoke: (engine: Inference) => Promise<T>): Promise<T> {
    let side = this.chooser.pick(
      call,
      x.rows,
      () => this.guess(call, x),
      (maxRows) => !this.ortMissing && maxRows * this.multiplyAdds >= MEASURE_MIN_MULTIPLY_ADDS,
    );
    let engine = side === 'ort' ? await this.openOrt() : this.options.backend;
    if (engine === undefined) {
      side = 'backend';
      engine = this.options.backend;
    }
    const id = ++this.started;
    const alone = this.running++ === 0;
    const start = this.now();
    let result: T;
    try {
      result = await invoke(engine);
    } finally {
      this.running--;
    }
    const seconds = (this.now() - start) / 1000;
    this.chooser.record(call, x.rows, side, alone && this.started === id ? seconds : undefined);
    this.rows[side] += x.rows;
    return result;
  }

  /** The rule's engine for this call: ONNX Runtime for a model large enough, except encoding mostly-zero rows on wasm. */
  private guess(call: string, x: Matrix): Side {
    const model = this.options.detector.model;
    if (this.ortMissing || !ortPays(model)) return 'backend';
    const sparse =
      call === 'encode' &&
      this.options.backend.engine === 'wasm' &&
      x.cols === model.inputDim &&
      latentEncodesFaster(model, model.scale(x));
    return sparse ? 'backend' : 'ort';
  }

  private async openOrt(): Promise<Inference | undefined> {
    this.ort ??= this.options.openOrt();
    const ort = await this.ort;
    if (ort === undefined && !this.ortMissing) {
      this.ortMissing = true;
      this.chooser.withoutOrt();
    }
    return ort;
  }
}

function withBackendName(values: Readonly<Record<Side, number | undefined>>, backend: EngineName): Partial<Record<EngineName, number>> {
  const out: Partial<Record<EngineName, number>> = {};
  if (values.ort !== undefined) out.ort = values.ort;
  if (values.backend !== undefined) out[backend] = values.backend;
  return out;
}
