/// <reference lib="webworker" />
/**
 * The training worker (a module Web Worker): holds the data and the model, trains with the
 * library's `fit`, and after every epoch posts the epoch's losses and fresh views (anomaly scores
 * only every few epochs and after the last, see scoring-schedule.ts). Inside it the wasm backend
 * starts its own thread workers when the page is cross-origin isolated.
 *
 * Invariants: one run at a time; a `stop` message ends training after the current epoch and the
 * model trained so far is kept (to save or to look at); every failure a user can cause arrives as
 * an `error` message with the library's message and hint, never as an uncaught exception.
 */

import {
  fit,
  getBackend,
  initBackend,
  isLatentError,
  matrix,
  modelFromBytes,
  modelToBytes,
  readValidationSplit,
  takeRows,
  trainingSummary,
  validationSplitExtra,
  type Autoencoder,
  type TrainingSummary,
  type ValidationSplitRecord,
} from '../../src/index.js';
import { modelFileName } from './file-name.js';
import { planTraining } from './model-factory.js';
import { formFromModel } from './model-settings.js';
import type {
  Anomalies,
  EpochRow,
  ErrorContext,
  ModelInfo,
  PageMessage,
  TrainSettings,
  Views,
  WireDataset,
  WorkerMessage,
} from './protocol.js';
import { scoresAfter } from './scoring-schedule.js';
import { splitForModel, splitRows } from './split.js';
import { curveFromSummary } from './summary-curve.js';
import { computeViews } from './views-data.js';

declare const self: DedicatedWorkerGlobalScope;

let model: Autoencoder | null = null;
let summary: TrainingSummary | null = null;
/** The split the model was trained with (stored in its downloads), or null when a file records none. */
let split: ValidationSplitRecord | null = null;
/** The noise the model was trained with, for the denoising row of its views. */
let noise = 'none';
/** What the model trained on, as the user named it (names its downloads). */
let trainedOn = '';
let training = false;
let stopRequested = false;
/** Epochs completed in the current run (the model holds their weights even if the run fails). */
let epochsDone = 0;

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

function postError(context: ErrorContext, error: unknown): void {
  if (isLatentError(error)) post({ type: 'error', context, message: error.message, hint: error.hint ?? null });
  else post({ type: 'error', context, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), hint: null });
}

function describe(m: Autoencoder, source: string, data: string): ModelInfo {
  return {
    family: m.config.kind,
    inputDim: m.inputDim,
    latentDim: m.latentDim,
    parameters: m.parameterCount(),
    source,
    fileName: modelFileName(m.config.kind, m.inputDim, m.latentDim, data),
  };
}

async function train(data: WireDataset, settings: TrainSettings): Promise<void> {
  const all = matrix(data.x, data.rows, data.cols);
  const rows = splitRows(data.rows, settings.validationFraction, settings.seed);
  const trainX = takeRows(all, rows.trainRows);
  const plan = planTraining(settings, data, trainX);
  model = plan.model;
  summary = null;
  split = { fraction: settings.validationFraction, seed: settings.seed, rows: data.rows };
  noise = settings.noise;
  trainedOn = data.source;
  stopRequested = false;
  epochsDone = 0;
  post({
    type: 'started',
    model: describe(plan.model, data.source, data.source),
    trainRows: rows.trainRows.length,
    validationRows: rows.validationRows.length,
    loss: plan.lossName,
  });
  const started = performance.now();
  const current = plan.model;
  let anomalies: Anomalies | null = null;
  const history = await fit(current, trainX, {
    ...plan.fit,
    ...(rows.validationRows.length > 0 ? { validationData: takeRows(all, rows.validationRows) } : {}),
    onBatchEnd: (log) =>
      post({ type: 'batch', epoch: log.epoch + 1, epochs: log.epochs, batch: log.batch + 1, batches: log.batches, loss: log.loss }),
    onEpochEnd: (log) => {
      const row: EpochRow = {
        epoch: log.epoch + 1,
        loss: log.loss,
        valLoss: log.valLoss,
        seconds: log.seconds,
        samplesPerSecond: log.samplesPerSecond,
      };
      const epoch = log.epoch + 1;
      const inputs = { model: current, data, ...rows, noise: settings.noise, epoch };
      const views = computeViews(inputs, scoresAfter(epoch, settings.epochs, stopRequested) ? null : anomalies);
      anomalies = views.anomalies;
      epochsDone = epoch;
      post({ type: 'epoch', row, views });
      return stopRequested ? 'stop' : undefined;
    },
  });
  summary = trainingSummary({
    history,
    samples: data.rows,
    seconds: (performance.now() - started) / 1000,
    backend: getBackend().name,
    source: data.source,
    columns: data.columns,
    options: { ...settings, hidden: [...settings.hidden] },
  });
  post({ type: 'finished', stopped: stopRequested && history.epochs.length < settings.epochs, epochs: history.epochs.length });
}

function open(bytes: Uint8Array, name: string, data: WireDataset | null): void {
  const loaded = modelFromBytes(bytes, name);
  const stored = readValidationSplit(loaded.extra, name);
  model = loaded.model;
  summary = loaded.training;
  split = stored;
  const form = formFromModel(loaded.model.config, loaded.training);
  noise = form.noise ?? 'none';
  const source = loaded.training?.['source'];
  trainedOn = typeof source === 'string' ? source : name.replace(/\.safetensors$/i, '');
  const samples = loaded.training?.samples;
  const { views, note } = data === null ? { views: null, note: 'load data to see what the model does with it' } : viewsOf(data);
  post({
    type: 'opened',
    model: describe(loaded.model, name, trainedOn),
    curve: curveFromSummary(loaded.training),
    views,
    note,
    form,
    trainedOn: {
      source: typeof source === 'string' ? source : null,
      rows: stored?.rows ?? (typeof samples === 'number' ? samples : null),
    },
  });
}

/** The views of the held model on `data`, or why there are none. */
function viewsOf(data: WireDataset): { views: Views | null; note: string | null } {
  if (model === null) return { views: null, note: null };
  if (data.cols !== model.inputDim) {
    return {
      views: null,
      note: `the model takes ${model.inputDim} features per sample, the current data (${data.source}) has ${data.cols}: load matching data to see its views`,
    };
  }
  const rows = splitForModel(data.rows, split);
  if ('mismatch' in rows) return { views: null, note: rows.mismatch };
  const views = computeViews({ model, data, ...rows, noise, epoch: null }, null);
  const note =
    rows.shown === 'first'
      ? `the file does not record which rows the model trained on: the views show the first ${rows.shownRows.length} rows, which it may have seen`
      : null;
  return { views, note };
}

function save(): void {
  if (model === null) throw new Error('no model to save yet');
  const bytes = modelToBytes(model, summary ?? undefined, split === null ? undefined : validationSplitExtra(split));
  post({ type: 'saved', bytes, name: modelFileName(model.config.kind, model.inputDim, model.latentDim, trainedOn) });
}

self.onmessage = (event: MessageEvent<PageMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'stop':
      stopRequested = true;
      return;
    case 'train':
      if (training) return;
      training = true;
      train(message.data, message.settings)
        .catch((error: unknown) => {
          postError('train', error);
          post({ type: 'finished', stopped: true, epochs: epochsDone });
        })
        .finally(() => (training = false));
      return;
    case 'open':
      if (training) return post({ type: 'error', context: 'open', message: 'a model is training', hint: 'stop it first' });
      try {
        open(message.bytes, message.name, message.data);
      } catch (error) {
        postError('open', error);
      }
      return;
    case 'rescore':
      if (training) return;
      try {
        post({ type: 'views', ...viewsOf(message.data) });
      } catch (error) {
        postError('open', error);
      }
      return;
    case 'save':
      try {
        save();
      } catch (error) {
        postError('save', error);
      }
      return;
  }
};

initBackend().then(
  (backend) =>
    post({
      type: 'ready',
      backend: backend.name,
      threads: backend.threads,
      isolated: self.crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    }),
  (error: unknown) => postError('train', error),
);
