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
  takeRows,
  trainingSummary,
  type Autoencoder,
  type TrainingSummary,
} from '../../src/index.js';
import { planTraining } from './model-factory.js';
import type { Anomalies, EpochRow, ModelInfo, PageMessage, TrainSettings, WireDataset, WorkerMessage } from './protocol.js';
import { scoresAfter } from './scoring-schedule.js';
import { splitRows } from './split.js';
import { curveFromSummary } from './summary-curve.js';
import { computeViews } from './views-data.js';

declare const self: DedicatedWorkerGlobalScope;

let model: Autoencoder | null = null;
let summary: TrainingSummary | null = null;
let training = false;
let stopRequested = false;
/** Epochs completed in the current run (the model holds their weights even if the run fails). */
let epochsDone = 0;

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

function postError(context: 'train' | 'open' | 'save', error: unknown): void {
  if (isLatentError(error)) post({ type: 'error', context, message: error.message, hint: error.hint ?? null });
  else post({ type: 'error', context, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), hint: null });
}

function describe(m: Autoencoder, source: string): ModelInfo {
  return { family: m.config.kind, inputDim: m.inputDim, latentDim: m.latentDim, parameters: m.parameterCount(), source };
}

async function train(data: WireDataset, settings: TrainSettings): Promise<void> {
  const all = matrix(data.x, data.rows, data.cols);
  const split = splitRows(data.rows, settings.validationFraction, settings.seed);
  const trainX = takeRows(all, split.trainRows);
  const plan = planTraining(settings, data, trainX);
  model = plan.model;
  summary = null;
  stopRequested = false;
  epochsDone = 0;
  post({
    type: 'started',
    model: describe(plan.model, data.source),
    trainRows: split.trainRows.length,
    validationRows: split.validationRows.length,
    loss: plan.lossName,
  });
  const started = performance.now();
  const current = plan.model;
  let anomalies: Anomalies | null = null;
  const history = await fit(current, trainX, {
    ...plan.fit,
    ...(split.validationRows.length > 0 ? { validationData: takeRows(all, split.validationRows) } : {}),
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
      const inputs = { model: current, data, shownRows: split.shownRows, trainRows: split.trainRows, noise: settings.noise, epoch };
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
  model = loaded.model;
  summary = loaded.training;
  const m = loaded.model;
  let note: string | null = null;
  let views = null;
  if (data === null) note = 'load data to see what the model does with it';
  else if (data.cols !== m.inputDim) {
    note = `the model takes ${m.inputDim} features per sample, the current data (${data.source}) has ${data.cols}: load matching data to see its views`;
  } else {
    const split = splitRows(data.rows, 0, 0);
    views = computeViews({ model: m, data, shownRows: split.shownRows, trainRows: split.trainRows, noise: 'none', epoch: null }, null);
  }
  post({ type: 'opened', model: describe(m, name), curve: curveFromSummary(loaded.training), views, note });
}

function save(): void {
  if (model === null) throw new Error('no model to save yet');
  const bytes = modelToBytes(model, summary ?? undefined);
  post({ type: 'saved', bytes, name: 'latent-model.safetensors' });
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
