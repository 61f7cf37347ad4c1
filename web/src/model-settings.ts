/**
 * The settings form's values for an opened model file: the family and sizes from its config
 * (every model file has one), and the training settings from its training summary where it
 * records them (the playground stores its own settings there; `latent train` stores its options
 * under the command line's names). So reopening a downloaded model shows the values it was
 * trained with, and pressing Train again retrains the same model.
 *
 * Invariant: the summary is JSON from a file: a value is used only when it has the right type
 * and is one the form accepts; anything else leaves that field out (the form keeps its value).
 */

import type { ModelConfig, TrainingSummary } from '../../src/index.js';
import { FAMILIES, LOSS_CHOICES, NOISE_CHOICES } from './protocol.js';
import type { SettingField } from './settings.js';

export type FormValues = Partial<Record<SettingField, string>>;

/**
 * Form values for a model with `config` and training `summary`.
 *
 * @example
 * formFromModel(denseModel.config, null); // { family: 'dense', latent: '8', hidden: '256, 64' }
 */
export function formFromModel(config: ModelConfig, summary: TrainingSummary | null): FormValues {
  const form: FormValues = {};
  const family = FAMILIES.find((f) => f === config.kind);
  if (family !== undefined) form.family = family;
  form.latent = String(config.latentDim);
  const hidden = config.kind === 'conv' || config.kind === 'conv1d' ? config.convChannels : config.hidden;
  if (family !== undefined) form.hidden = hidden.join(', ');
  if (summary === null) return form;

  const raw = summary['options'];
  const options: Readonly<Record<string, unknown>> = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const pick = (...names: string[]): unknown => names.map((n) => options[n]).find((v) => v !== undefined && v !== null);
  const epochs = pick('epochs');
  if (isCount(epochs)) form.epochs = String(epochs);
  else if (isCount(summary.epochs)) form.epochs = String(summary.epochs);
  const lr = pick('learningRate', 'lr');
  if (typeof lr === 'number' && lr > 0) form.lr = String(lr);
  const batch = pick('batchSize');
  if (isCount(batch)) form.batch = String(batch);
  const seed = pick('seed');
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0) form.seed = String(seed);
  const fraction = pick('validationFraction', 'valSplit');
  if (typeof fraction === 'number' && fraction >= 0 && fraction <= 0.5) form.validation = String(Math.round(fraction * 100));
  const noise = pick('noise') ?? 'none';
  const knownNoise = NOISE_CHOICES.find((n) => n === noise);
  if (knownNoise !== undefined) form.noise = knownNoise;
  const loss = pick('loss') ?? summary.loss;
  const knownLoss = LOSS_CHOICES.find((l) => l === loss);
  if (knownLoss !== undefined) form.loss = knownLoss;
  return form;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}
