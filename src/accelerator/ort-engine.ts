/**
 * Running a model's network in ONNX Runtime: the model is exported to an ONNX graph in memory
 * (one graph per set of outputs, made when first needed) and run by an ORT session on scaled rows,
 * in batches that bound ORT's working memory.
 *
 * Invariant: only the network runs here. Scaling before it and every formula after it (output
 * activation for scores, errors, the combined score, the negative ELBO) stay latent's own code,
 * called by `ort-inference.ts`, so both engines compute one definition of each score.
 */

import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { matrix, type Matrix } from '../data/matrix.js';
import { exportInferenceOnnx, type InferenceOutputs } from '../io/onnx/export.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { OrtModule } from './ort-runtime.js';

/** Values per input batch (rows × features): about 4 MiB of float32, 1,337 MNIST rows. */
const BATCH_VALUES = 1 << 20;

/** The outputs a run returns, each [rows, width] row-major. */
export type RunOutputs = Partial<Record<'latent' | 'logvar' | 'logits' | 'reconstruction', Matrix>>;

export class OrtEngine {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  constructor(
    private readonly ort: OrtModule,
    readonly model: Autoencoder,
    /** Threads ORT splits each operator over (its intra-op pool). */
    readonly threads: number,
  ) {}

  /**
   * Run the network on the scaled rows `x` and return the requested outputs for every row.
   *
   * @example
   * const { latent } = await engine.run({ latent: true }, model.scale(x));
   */
  async run(outputs: InferenceOutputs, x: Matrix): Promise<RunOutputs> {
    const session = await this.session(outputs);
    const names = session.outputNames;
    const widths = names.map((name) => (name === 'latent' || name === 'logvar' ? this.model.latentDim : this.model.inputDim));
    const data = widths.map((w) => new Float32Array(x.rows * w));
    const step = Math.max(1, Math.floor(BATCH_VALUES / x.cols));
    for (let start = 0; start < x.rows; start += step) {
      const rows = Math.min(step, x.rows - start);
      const input = new this.ort.Tensor('float32', ownedRows(x, start, rows), [rows, x.cols]);
      const result = await session.run({ input });
      names.forEach((name, i) => data[i]!.set(floatData(result[name], name), start * widths[i]!));
      for (const tensor of Object.values(result)) tensor.dispose();
      input.dispose();
    }
    const out: RunOutputs = {};
    names.forEach((name, i) => {
      out[name as keyof RunOutputs] = matrix(data[i]!, x.rows, widths[i]!);
    });
    return out;
  }

  /** Release every session. */
  async close(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (s) => (await s).release()));
  }

  private session(outputs: InferenceOutputs): Promise<InferenceSession> {
    const key = JSON.stringify([outputs.latent === true, outputs.logvar === true, outputs.decoder ?? null]);
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = this.ort.InferenceSession.create(exportInferenceOnnx(this.model, outputs), {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      this.sessions.set(key, session);
    }
    return session;
  }
}

/** Rows `[start, start + rows)` of `x`: a view, or a copy when the data lives in shared memory, which ORT refuses. */
function ownedRows(x: Matrix, start: number, rows: number): Float32Array {
  const view = x.data.subarray(start * x.cols, (start + rows) * x.cols);
  return view.buffer instanceof ArrayBuffer ? view : view.slice();
}

function floatData(tensor: OrtTensor | undefined, name: string): Float32Array {
  const data = tensor?.data;
  if (!(data instanceof Float32Array)) throw new Error(`ONNX Runtime returned no float32 output "${name}"`);
  return data;
}
