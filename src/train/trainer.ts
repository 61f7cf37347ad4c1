/**
 * fit(): mini-batch training of an autoencoder. Owns batching, shuffling, validation, early
 * stopping, LR schedules, gradient clipping, divergence handling, progress events and checkpoint
 * state. Each step runs in a memory scope, so intermediates return to the pool when it ends.
 *
 * Determinism: `seed` fixes the validation split, shuffling and corruption noise; the model's own
 * seed fixes initialisation and dropout. Resuming from a TrainingState restores every RNG, the
 * optimizer, the schedule and early stopping, so 2 + 2 epochs equal 4 bit for bit. Streamed rows
 * (the `stream` option, stream-batches.ts) draw their epoch order from the same shuffle RNG, so
 * the same holds for them.
 */

import { backward } from '../autograd/backward.js';
import { checkOptions, type OptionSpec } from '../check-options.js';
import { assertFinite } from '../data/dataset.js';
import { clearTape, noGrad } from '../autograd/tape.js';
import { scope, Tensor } from '../autograd/tensor.js';
import { initBackend } from '../backend/registry.js';
import type { Matrix } from '../data/matrix.js';
import { fitScaler, SCALER_KINDS, type ScalerKind } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import { LOSS_NAMES, type LossName } from '../losses/reconstruction.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { clipGradNorm } from '../optim/clip.js';
import { createOptimizer, type OptimizerConfig } from '../optim/factory.js';
import { LrSchedule, type ScheduleConfig } from '../optim/schedules.js';
import { Rng } from '../tensor/rng.js';
import { gatherRows, splitValidation, takeRows } from './batches.js';
import { corrupt, type Corruption } from './corruption.js';
import { TrainingDivergedError } from './diverged.js';
import { chooseLoss } from './defaults.js';
import type { StreamedRows } from './stream-batches.js';
import type { BatchLog, EpochLog, History, TrainingState } from './types.js';

/**
 * Optimizer steps between copies of the weights kept for a divergence. Copying every parameter
 * before every step cost about 3% of a W1 step (0.4 ms for its 944k floats); one copy per 16
 * steps costs 0.2%, and a divergence then goes back at most 16 steps, to weights that gave a
 * finite loss (the loss of the step right after the copy).
 */
export const ROLLBACK_INTERVAL = 16;

export interface EarlyStopping {
  /** Epochs without a better monitored loss before training stops. */
  readonly patience: number;
  /** An improvement counts only when it is larger than this (absolute, in loss units). */
  readonly minDelta?: number;
  /** …and larger than this fraction of the best loss so far (scale-free; default 0). */
  readonly minRelativeDelta?: number;
  readonly restoreBestWeights?: boolean;
  /** Early stopping may end training only after this many optimizer steps in all (default 0). */
  readonly minSteps?: number;
  /** …and only after this many epochs (default 0). */
  readonly minEpochs?: number;
}

export interface FitOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly shuffle?: boolean;
  /** Fraction of rows held out for validation (random, seeded). */
  readonly validationSplit?: number;
  readonly validationData?: Matrix;
  /** Default: BCE when the output is sigmoid and the (scaled) data lies in [0, 1], else MSE. */
  readonly loss?: LossName;
  readonly optimizer?: OptimizerConfig;
  readonly lrSchedule?: ScheduleConfig;
  /** Clip gradients to this global L2 norm. */
  readonly clipNorm?: number;
  readonly earlyStopping?: EarlyStopping;
  /**
   * Stop once training has run this many seconds (checked after every step; the epoch in
   * progress ends there and is validated). Best weights are restored as after early stopping.
   */
  readonly maxSeconds?: number;
  /** Fit this scaler on the training rows and store it with the model. */
  readonly scaler?: ScalerKind;
  /** Corrupt inputs (not targets) for denoising training. */
  readonly corruption?: Corruption;
  /** Clip corrupted inputs to this range (e.g. [0, 1] for pixels). */
  readonly corruptionClip?: readonly [number, number];
  readonly seed?: number;
  readonly onBatchEnd?: (log: BatchLog) => void;
  /** Return 'stop' to end training after this epoch. */
  readonly onEpochEnd?: (log: EpochLog, history: History) => void | 'stop';
  /** Called after every `checkpointEvery` epochs with the state to save. */
  readonly onCheckpoint?: (state: TrainingState) => void;
  readonly checkpointEvery?: number;
  /** Continue from a saved state (the model must already hold the checkpoint's weights). */
  readonly resume?: TrainingState;
  /**
   * Train on rows streamed from a source (see `prepareStream`) instead of `x`, which then only
   * gives the column range used to choose the loss. The split and the scaler come from
   * `prepareStream`; set `model.scaler` before calling.
   */
  readonly stream?: StreamedRows;
}

/** Minimum wall time between progress events (keeps terminal redraws cheap). */
const PROGRESS_INTERVAL_MS = 100;

/** The keys of FitOptions with their kinds, for the run-time check of plain-JavaScript callers. */
export const FIT_SPEC: OptionSpec = {
  epochs: 'integer',
  batchSize: 'integer',
  shuffle: 'boolean',
  validationSplit: 'number',
  validationData: 'matrix',
  loss: LOSS_NAMES,
  optimizer: 'object',
  lrSchedule: 'object',
  clipNorm: 'number',
  earlyStopping: 'object',
  maxSeconds: 'number',
  scaler: SCALER_KINDS,
  corruption: 'object',
  corruptionClip: 'number-array',
  seed: 'integer',
  onBatchEnd: 'function',
  onEpochEnd: 'function',
  onCheckpoint: 'function',
  checkpointEvery: 'integer',
  resume: 'object',
  stream: 'object',
};

/**
 * Train `model` on the rows of `x` to reconstruct themselves.
 *
 * @example
 * const model = new DenseAutoencoder(denseConfig({ inputDim: 784, hidden: [128], latentDim: 8 }));
 * const history = await fit(model, train.x, { epochs: 10, validationSplit: 0.1 });
 */
export async function fit(model: Autoencoder, x: Matrix, options: FitOptions = {}): Promise<History> {
  checkOptions(options, FIT_SPEC, 'fit options');
  assertFinite(x, 'the training data');
  if (options.validationData !== undefined) assertFinite(options.validationData, 'the validation data');
  // The model may have been built before the fastest backend was ready: bring it over.
  model.to(await initBackend());
  const epochs = options.epochs ?? 20;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 42;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new LatentError(`epochs ${epochs} must be a whole number ≥ 0`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new LatentError(`batch size ${batchSize} must be a whole number ≥ 1`);
  if (x.cols !== model.inputDim) {
    throw new LatentError(`training data has ${x.cols} features per row, the model expects ${model.inputDim}`);
  }

  const stream = options.stream;
  if (
    stream !== undefined &&
    (options.scaler !== undefined || options.validationData !== undefined || options.validationSplit !== undefined)
  ) {
    throw new LatentError('streamed training takes its split and scaler from prepareStream', 'pass them to prepareStream instead');
  }
  const split =
    stream !== undefined
      ? { train: x, validation: null }
      : options.validationData
        ? { train: x, validation: options.validationData }
        : splitValidation(x, options.validationSplit ?? 0, seed);
  if (options.scaler !== undefined && !options.resume) model.scaler = fitScaler(options.scaler, split.train);
  const train = model.scale(split.train);
  const validation = split.validation ? model.scale(split.validation) : null;
  if (train.rows === 0) throw new LatentError('no training rows', 'pass data with at least one row');
  const loss = options.loss ?? chooseLoss(model.outputActivation, train);

  const params = model.parameters();
  const optimizer = createOptimizer(options.optimizer ?? { name: 'adam' }, params);
  const schedule = new LrSchedule(options.lrSchedule ?? { kind: 'constant' }, optimizer.lr);
  const shuffleRng = new Rng(seed);
  const corruptionRng = new Rng(seed ^ 0xc0ffee);
  const history: History = { epochs: [], loss, bestEpoch: null, stoppedEarly: false, stopReason: 'epochs' };
  const stopping = { best: Infinity, wait: 0, bestEpoch: null as number | null };
  let bestWeights: Map<string, Float32Array> | null = null;
  let startEpoch = 0;

  if (options.resume) {
    const r = options.resume;
    optimizer.loadStateTensors(r.optimizerState, r.optimizerSteps);
    optimizer.lr = r.lr;
    shuffleRng.setState(r.shuffleRng);
    model.noiseRng.setState(r.noiseRng);
    corruptionRng.setState(r.corruptionRng);
    schedule.restore(r.schedule);
    Object.assign(stopping, r.earlyStopping);
    bestWeights = r.bestWeights ? new Map(r.bestWeights) : null;
    history.epochs.push(...r.history);
    history.bestEpoch = r.earlyStopping.bestEpoch;
    startEpoch = r.epoch;
  }

  // Weights known to give a finite loss, copied just before a step changes them, on the first
  // step and every ROLLBACK_INTERVAL steps: a step can make the next loss diverge, and these are
  // then put back. None before the first step. They are buffers of the parameters' backend, given
  // back when training ends: its pool hands the same memory to the next fit, where fresh arrays
  // took a page fault per 4 KiB on their first copy (11 ms of a 32-step W1 epoch, 3%).
  const lastGood = params.map((p) => p.backend.alloc(p.size, true));
  let lastGoodAt: { epoch: number; step: number } | null = null;
  const trainRows = stream?.trainRows ?? train.rows;
  const batches = Math.ceil(trainRows / batchSize);
  const totalSteps = (epochs - startEpoch) * batches;
  const trainStart = performance.now();
  let stepsDone = 0;
  let lastYield = performance.now();
  const outOfTime = (): boolean => options.maxSeconds !== undefined && (performance.now() - trainStart) / 1000 >= options.maxSeconds;

  try {
    for (let epoch = startEpoch; epoch < epochs; epoch++) {
      const epochStart = performance.now();
      model.train();
      // Streamed batches come scaled (in the same pass that shuffles them).
      const scaler = model.scaler !== null && model.scaler.kind !== 'none' ? model.scaler : null;
      const streamed = stream?.batches(shuffleRng, batchSize, options.shuffle !== false, scaler)[Symbol.asyncIterator]();
      const order = streamed !== undefined ? null : options.shuffle === false ? identity(train.rows) : shuffleRng.permutation(train.rows);
      let lossSum = 0;
      let seen = 0;
      const termSums: Record<string, number> = {};
      let timeUp = false;
      for (let b = 0; b < batches && !timeUp; b++) {
        let batch: Matrix | null;
        let start = 0;
        let rows: number;
        if (streamed !== undefined) {
          // Nothing runs in the background while other code may run.
          optimizer.settle();
          const next = await streamed.next();
          if (next.done === true) break;
          batch = next.value;
          rows = batch.rows;
        } else {
          start = b * batchSize;
          rows = Math.min(start + batchSize, train.rows) - start;
          // Without corruption the rows go straight into the target tensor (one copy, no garbage).
          batch = options.corruption ? takeRows(train, order as Uint32Array, start, start + rows) : null;
        }
        const inputValues =
          batch && options.corruption ? corrupt(batch.data, options.corruption, corruptionRng, options.corruptionClip) : null;
        const { value, terms } = scope(() => {
          clearTape();
          const shape = [rows, train.cols];
          const target = batch ? Tensor.from(batch.data, shape) : Tensor.empty(shape);
          if (!batch) gatherRows(train, order as Uint32Array, start, start + rows, target.data);
          const input = inputValues ? Tensor.from(inputValues, shape) : target;
          // The previous step's deferred updates (the first layer's last) ran in the background
          // while this step gathered its rows; the forward pass reads the weights.
          optimizer.settle();
          const objective = model.objective(input, target, loss);
          const value = objective.loss.item();
          if (!Number.isFinite(value)) {
            clearTape();
            return { value, terms: objective.terms };
          }
          optimizer.zeroGrad();
          // The backward pass leaves the weights as they are, so the copy can come before it.
          if (lastGoodAt === null || stepsDone % ROLLBACK_INTERVAL === 0) {
            params.forEach((p, i) => lastGood[i]!.set(p.data));
            lastGoodAt = { epoch, step: b };
          }
          if (options.clipNorm === undefined) {
            // Each layer's parameters are handed to the optimizer as soon as their gradients are
            // final; the backend may update them in the background, on threads that would
            // otherwise wait, while the backward pass goes on through the layers below and the
            // next step gathers its rows (the same bits: every update is elementwise).
            // Settled before anything reads the weights: the next forward pass, a callback, the
            // end of the epoch, or a yield to other code.
            optimizer.beginStep({ defer: true });
            backward(objective.loss, (leaves) => optimizer.updateParams(leaves));
            optimizer.startDeferred();
          } else {
            // Clipping scales every gradient by their global norm, which needs all of them first.
            backward(objective.loss);
            clipGradNorm(params, options.clipNorm);
            optimizer.step();
          }
          return { value, terms: objective.terms };
        });
        if (!Number.isFinite(value)) {
          optimizer.settle();
          if (lastGoodAt !== null) params.forEach((p, i) => p.data.set(lastGood[i]!));
          throw new TrainingDivergedError(epoch, b, value, history, lastGoodAt);
        }
        const n = rows;
        lossSum += value * n;
        seen += n;
        for (const [k, v] of Object.entries(terms)) termSums[k] = (termSums[k] ?? 0) + v * n;
        stepsDone++;
        timeUp = outOfTime();
        const now = performance.now();
        if (options.onBatchEnd && (now - lastYield > PROGRESS_INTERVAL_MS || b === batches - 1)) {
          optimizer.settle();
          const elapsed = (now - trainStart) / 1000;
          const rate = (stepsDone * batchSize) / Math.max(elapsed, 1e-9);
          options.onBatchEnd({
            epoch,
            epochs,
            batch: b,
            batches,
            loss: lossSum / seen,
            samplesPerSecond: rate,
            etaSeconds: (elapsed / stepsDone) * (totalSteps - stepsDone),
          });
        }
        if (now - lastYield > PROGRESS_INTERVAL_MS) {
          lastYield = now;
          // Let timers (progress bars, signals) run between steps.
          optimizer.settle();
          await new Promise<void>((resolve) => setTimeout(resolve, 0));
        }
      }
      optimizer.settle();
      // An epoch cut short (time cap) closes its reading.
      await streamed?.return?.();
      const seconds = (performance.now() - epochStart) / 1000;
      const valLoss =
        stream !== undefined
          ? await streamedLoss(model, stream, loss, batchSize)
          : validation
            ? evaluateLoss(model, validation, loss, batchSize)
            : null;
      const terms: Record<string, number> = {};
      for (const [k, v] of Object.entries(termSums)) terms[k] = v / seen;
      const log: EpochLog = {
        epoch,
        loss: lossSum / seen,
        valLoss,
        terms,
        lr: optimizer.lr,
        seconds,
        samplesPerSecond: trainRows / Math.max(seconds, 1e-9),
      };
      history.epochs.push(log);
      const monitored = valLoss ?? log.loss;
      optimizer.lr = schedule.next(epoch, monitored);

      let stop = false;
      const es = options.earlyStopping;
      if (es) {
        if (improves(monitored, stopping.best, es)) {
          stopping.best = monitored;
          stopping.wait = 0;
          stopping.bestEpoch = epoch;
          if (es.restoreBestWeights) bestWeights = snapshot(model);
        } else if (++stopping.wait >= es.patience && epoch + 1 >= (es.minEpochs ?? 0) && optimizer.steps >= (es.minSteps ?? 0)) {
          stop = true;
          history.stoppedEarly = true;
          history.stopReason = 'converged';
        }
      }
      if (timeUp && !stop) {
        stop = true;
        history.stopReason = 'time';
      }
      if (options.onEpochEnd?.(log, history) === 'stop' && !stop) {
        stop = true;
        history.stopReason = 'callback';
      }
      if (options.onCheckpoint && ((epoch + 1) % (options.checkpointEvery ?? 1) === 0 || stop || epoch + 1 === epochs)) {
        options.onCheckpoint({
          epoch: epoch + 1,
          optimizerSteps: optimizer.steps,
          optimizerState: new Map([...optimizer.stateTensors()].map(([k, t]) => [k, t.data.slice()])),
          shuffleRng: shuffleRng.getState(),
          noiseRng: model.noiseRng.getState(),
          corruptionRng: corruptionRng.getState(),
          schedule: schedule.saveState(),
          lr: optimizer.lr,
          earlyStopping: { ...stopping },
          bestWeights,
          history: [...history.epochs],
        });
      }
      if (stop) break;
    }
  } finally {
    optimizer.dispose();
    params.forEach((p, i) => p.backend.release(lastGood[i]!));
  }
  if (options.earlyStopping?.restoreBestWeights && bestWeights) {
    restore(model, bestWeights);
    history.bestEpoch = stopping.bestEpoch;
  }
  model.eval();
  return history;
}

/** Whether `loss` beats `best` by more than the absolute and the relative margins. */
function improves(loss: number, best: number, es: EarlyStopping): boolean {
  const margin = Math.max(es.minDelta ?? 0, best === Infinity ? 0 : (es.minRelativeDelta ?? 0) * Math.abs(best));
  return loss < best - margin;
}

/** Mean loss over `x` in eval mode (no dropout, no corruption). */
export function evaluateLoss(model: Autoencoder, x: Matrix, loss: LossName, batchSize = 256): number {
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  noGrad(() => {
    for (let start = 0; start < x.rows; start += batchSize) {
      const rows = Math.min(batchSize, x.rows - start);
      total += scope(() => {
        const batch = Tensor.from(x.data.subarray(start * x.cols, (start + rows) * x.cols), [rows, x.cols]);
        return model.objective(batch, batch, loss).loss.item() * rows;
      });
    }
  });
  model.train(wasTraining);
  return total / x.rows;
}

/** Mean loss over the validation rows of a stream, or null when it holds none. */
async function streamedLoss(model: Autoencoder, stream: StreamedRows, loss: LossName, batchSize: number): Promise<number | null> {
  if (stream.validationRows === 0) return null;
  let total = 0;
  let rows = 0;
  for await (const chunk of stream.validation()) {
    total += evaluateLoss(model, model.scale(chunk), loss, batchSize) * chunk.rows;
    rows += chunk.rows;
  }
  return total / rows;
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function snapshot(model: Autoencoder): Map<string, Float32Array> {
  return new Map([...model.stateDict()].map(([k, t]) => [k, t.data.slice()]));
}

function restore(model: Autoencoder, weights: ReadonlyMap<string, Float32Array>): void {
  for (const [k, t] of model.stateDict()) {
    const saved = weights.get(k);
    if (saved) t.data.set(saved);
  }
}
