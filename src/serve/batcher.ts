/**
 * MicroBatcher: runs one model call for many small concurrent requests. Requests that arrive
 * within `windowMs` of the first pending one are concatenated row-wise into one matrix, the model
 * runs once, and each request gets back exactly its own rows of the result.
 *
 * A batch waits for the window only when other requests are being handled (`othersInFlight`):
 * a lone client sending one request at a time would otherwise pay the whole window on every
 * request. Then the batch runs as soon as the current turn of the event loop ends, which still
 * gathers the requests that arrived together with it.
 *
 * Invariants:
 * - The result of a request is the same whether it ran alone or in a batch: the model computes
 *   each row independently (eval mode, no cross-row state), and rows are split back in order.
 * - A batch whose call fails is retried request by request, so one request can never fail
 *   another's; callers check their input before `run`, so this is a fallback, not the rule.
 * - `windowMs` 0 disables batching; requests larger than `maxRequestRows` run alone at once (they
 *   are big enough to use the machine well, and waiting would only add latency).
 * - After `drain()` (shutdown) nothing waits: the pending batch runs and later requests run alone.
 */

import { matrix, type Matrix } from '../data/matrix.js';

/** Row-major results of a model call: `cols` values per input row. */
export interface RowValues {
  readonly data: Float32Array | Float64Array;
  readonly cols: number;
}

/** A model call over rows: must compute each row independently of the others. */
export type RowOp = (x: Matrix) => RowValues;

export interface BatchOptions {
  /** How long the first request of a batch waits for others, in ms (0 disables batching). */
  readonly windowMs: number;
  /** A batch runs as soon as it holds this many rows (default 1024). */
  readonly maxBatchRows?: number;
  /** Requests with more rows than this run alone (default 256). */
  readonly maxRequestRows?: number;
  /** Called after each model call with the number of requests and rows it served. */
  readonly onCall?: (requests: number, rows: number) => void;
  /**
   * Whether requests other than this one are being handled (received, not yet answered). When it
   * says no, a new batch does not wait for the window. Without it, every batch waits.
   */
  readonly othersInFlight?: () => boolean;
}

interface Pending {
  readonly x: Matrix;
  readonly resolve: (values: RowValues) => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH_ROWS = 1024;
const DEFAULT_MAX_REQUEST_ROWS = 256;

/**
 * Batches calls of one row operation.
 *
 * @example
 * const batcher = new MicroBatcher((x) => ({ data: detector.score(x), cols: 1 }), { windowMs: 2 });
 * const { data } = await batcher.run(rows);
 */
export class MicroBatcher {
  private pending: Pending[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private draining = false;
  private readonly maxBatchRows: number;
  private readonly maxRequestRows: number;

  constructor(
    private readonly op: RowOp,
    private readonly options: BatchOptions,
  ) {
    this.maxBatchRows = options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
    this.maxRequestRows = options.maxRequestRows ?? DEFAULT_MAX_REQUEST_ROWS;
  }

  /** The op's result for the rows of `x`, computed alone or within a batch. */
  run(x: Matrix): Promise<RowValues> {
    if (this.draining || this.options.windowMs <= 0 || x.rows > this.maxRequestRows) {
      return new Promise((resolve) => resolve(this.call(x, 1)));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ x, resolve, reject });
      this.pendingRows += x.rows;
      if (this.pendingRows >= this.maxBatchRows) this.flush();
      else if (this.pending.length === 1) this.schedule();
    });
  }

  /**
   * Run the waiting batch now, and every later request at once: a server shutting down should
   * not hold requests for the rest of a window.
   */
  drain(): void {
    this.draining = true;
    if (this.pending.length > 0) this.flush();
  }

  /** Requests waiting for their batch to run. */
  get waiting(): number {
    return this.pending.length;
  }

  private call(x: Matrix, requests: number): RowValues {
    const values = this.op(x);
    this.options.onCall?.(requests, x.rows);
    return values;
  }

  /** When the batch a first request opened runs: after the window, or after this turn when idle. */
  private schedule(): void {
    if (this.options.othersInFlight?.() === false) this.immediate = setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), this.options.windowMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    if (batch.length === 1) {
      settle(batch[0]!, () => this.call(batch[0]!.x, 1));
      return;
    }
    let values: RowValues;
    try {
      values = this.call(concatRows(batch.map((p) => p.x)), batch.length);
    } catch {
      for (const p of batch) settle(p, () => this.call(p.x, 1));
      return;
    }
    let row = 0;
    for (const p of batch) {
      const { cols } = values;
      p.resolve({ data: values.data.slice(row * cols, (row + p.x.rows) * cols), cols });
      row += p.x.rows;
    }
  }
}

function settle(p: Pending, compute: () => RowValues): void {
  try {
    p.resolve(compute());
  } catch (error) {
    p.reject(error);
  }
}

/** The rows of several matrices of one width, one after another. */
function concatRows(parts: readonly Matrix[]): Matrix {
  const cols = parts[0]!.cols;
  let rows = 0;
  for (const part of parts) rows += part.rows;
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return matrix(data, rows, cols);
}
