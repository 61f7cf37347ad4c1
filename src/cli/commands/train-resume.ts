/**
 * The settings of `latent train --resume CHECKPOINT`. The checkpoint fixes what the first run
 * chose: the model (family, sizes, activations, seed and every family option), its scaler, the CSV
 * feature columns, and the training options (optimizer, lr, batch size, loss, validation split,
 * patience, noise, lr schedule, gradient clipping). For each of them:
 * - a flag given with the checkpoint's value is fine;
 * - a flag given with another value fails, before any data is read, with a LatentError naming
 *   every such flag with both values and a hint spelling the first run's flags;
 * - an omitted flag takes the checkpoint's value, not the fresh-run default.
 * `--epochs` (the total) and the outputs, backend, report and threshold flags stay free.
 *
 * Training options and columns are known from checkpoints written by `latent train`, which carry
 * the run's summary; for a checkpoint without one, those come from the flags as given.
 */

import type { LoadOptions } from '../../data/node-loaders.js';
import { LatentError } from '../../errors.js';
import { trainedCsvColumns } from '../../io/training-summary.js';
import { LOSS_NAMES, type LossName } from '../../losses/reconstruction.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optim/factory.js';
import { parseSchedule, type ScheduleConfig } from '../../optim/schedules.js';
import { formatCorruption, parseCorruption, type Corruption } from '../../train/corruption.js';
import { modelDataOptions } from '../model-input.js';
import { parseChoice, parseNameList } from '../options.js';
import type { RunCheckpoint } from './train-checkpoint.js';
import { formatSchedule, parseTrainFlags, TRAIN_MODEL_KINDS, type TrainFlags, type TrainSettings } from './train-options.js';

/** One flag against the checkpoint. */
interface Pin {
  readonly flag: string;
  /** The parsed command-line value; undefined when the flag was not given. */
  readonly given: unknown;
  /** The checkpoint's value; null when the first run had none; undefined when the checkpoint does not say. */
  readonly held: unknown;
}

/** The training options a checkpoint's summary records (undefined: not recorded). */
interface RecordedOptions {
  readonly optimizer: OptimizerName | undefined;
  readonly lr: number | undefined;
  readonly batchSize: number | undefined;
  readonly valSplit: number | undefined;
  readonly patience: number | undefined;
  readonly loss: LossName | undefined;
  /** null: trained without noise. */
  readonly noise: Corruption | null | undefined;
  readonly lrSchedule: ScheduleConfig | undefined;
  /** null: trained without clipping. */
  readonly clipNorm: number | null | undefined;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  return String(value);
}

function joinAnd(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/** Throw one error naming every given flag whose value differs from the checkpoint's. */
function failOnClashes(pins: readonly Pin[], path: string): void {
  const clashes = pins.filter((p) => p.given !== undefined && p.held !== undefined && JSON.stringify(p.given) !== JSON.stringify(p.held));
  if (clashes.length === 0) return;
  const again = clashes.filter((c) => c.held !== null).map((c) => `${c.flag} ${show(c.held)}`);
  throw new LatentError(
    `${clashes.map((c) => `${c.flag} ${show(c.given)} differs from the checkpoint's ${show(c.held)}`).join('; ')} (${path})`,
    'a checkpoint fixes the model, its scaler, data columns and training options: ' +
      `drop ${joinAnd(clashes.map((c) => c.flag))}${again.length > 0 ? `, or pass ${again.join(' ')} as in the first run` : ''}`,
  );
}

/** `H,W` image shapes (one channel) as `[1, H, W]`, as --image-shape reads them. */
function chw(shape: readonly number[]): readonly number[] {
  return shape.length === 2 ? [1, ...shape] : shape;
}

function modelPins(flags: TrainFlags, s: TrainSettings, point: RunCheckpoint): Pin[] {
  const { model } = point;
  const config = model.config;
  const f = s.family;
  const given = <T>(text: string | undefined, value: T): T | undefined => (text === undefined ? undefined : value);
  const pins: Pin[] = [
    { flag: '--latent', given: s.latent, held: model.latentDim },
    { flag: '--activation', given: given(flags.activation, s.activation), held: config.activation },
    { flag: '--output-activation', given: s.outputActivation, held: model.outputActivation },
    { flag: '--seed', given: given(flags.seed, s.seed), held: config.seed },
    { flag: '--scale', given: s.scale, held: model.scaler?.kind ?? 'none' },
  ];
  // Flags a fresh run of the family ignores (--hidden for conv, --dropout for vae) are not pinned.
  switch (config.kind) {
    case 'dense':
    case 'sparse':
    case 'contractive':
      pins.push(
        { flag: '--hidden', given: s.hidden, held: config.hidden },
        { flag: '--dropout', given: given(flags.dropout, s.dropout), held: config.dropout },
      );
      if (config.kind === 'sparse') {
        pins.push(
          { flag: '--rho', given: f.rho, held: config.rho },
          { flag: '--sparsity-weight', given: f.sparsityWeight, held: config.sparsityWeight },
          { flag: '--l1', given: f.l1, held: config.l1 },
        );
      }
      if (config.kind === 'contractive') pins.push({ flag: '--contractive-weight', given: f.contractiveWeight, held: config.lambda });
      break;
    case 'vae':
      pins.push(
        { flag: '--hidden', given: s.hidden, held: config.hidden },
        { flag: '--beta', given: f.beta, held: config.beta },
        { flag: '--warmup-steps', given: f.warmupSteps, held: config.warmupSteps },
        { flag: '--likelihood', given: f.likelihood, held: config.likelihood },
        { flag: '--image-shape', given: f.imageShape, held: config.imageShape === null ? null : chw(config.imageShape) },
      );
      break;
    case 'conv':
    case 'conv1d':
      pins.push(
        { flag: '--conv-channels', given: f.convChannels, held: config.convChannels },
        { flag: '--kernel', given: f.kernel, held: config.kernel },
        { flag: '--stride', given: f.stride, held: config.stride },
        { flag: '--padding', given: f.padding, held: config.padding },
        config.kind === 'conv'
          ? { flag: '--image-shape', given: f.imageShape, held: [config.channels, config.height, config.width] }
          : { flag: '--channels', given: f.channels, held: config.channels },
      );
      break;
  }
  return pins;
}

function recordedOptions(training: Readonly<Record<string, unknown>> | null): RecordedOptions | null {
  const options = training?.['options'];
  if (options === null || typeof options !== 'object') return null;
  const value = (key: string): unknown => Reflect.get(options, key);
  const num = (key: string): number | undefined => {
    const v = value(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const text = (key: string): string | undefined => {
    const v = value(key);
    return typeof v === 'string' ? v : undefined;
  };
  const noise = text('noise');
  const schedule = text('lrSchedule');
  return {
    optimizer: OPTIMIZER_NAMES.find((name) => name === value('optimizer')),
    lr: num('lr'),
    batchSize: num('batchSize'),
    valSplit: num('valSplit'),
    patience: num('patience'),
    loss: LOSS_NAMES.find((name) => name === value('loss')),
    noise: value('noise') === null ? null : noise === undefined ? undefined : parseCorruption(noise),
    // A bare `cosine` spans the epochs of the run that started it.
    lrSchedule: schedule === undefined ? undefined : parseSchedule(schedule, num('epochs') ?? 1),
    clipNorm: value('clipNorm') === null ? null : num('clipNorm'),
  };
}

function trainingPins(flags: TrainFlags, s: TrainSettings, r: RecordedOptions): Pin[] {
  const given = <T>(text: string | undefined, value: T): T | undefined => (text === undefined ? undefined : value);
  return [
    { flag: '--optimizer', given: given(flags.optimizer, s.optimizer), held: r.optimizer },
    { flag: '--lr', given: given(flags.lr, s.lr), held: r.lr },
    { flag: '--batch-size', given: given(flags.batchSize, s.batchSize), held: r.batchSize },
    { flag: '--val-split', given: given(flags.valSplit, s.valSplit), held: r.valSplit },
    { flag: '--patience', given: given(flags.patience, s.patience), held: r.patience },
    { flag: '--loss', given: s.loss, held: r.loss },
    {
      flag: '--noise',
      given: s.noise === undefined ? undefined : formatCorruption(s.noise),
      held: r.noise === null || r.noise === undefined ? r.noise : formatCorruption(r.noise),
    },
    {
      flag: '--lr-schedule',
      // A bare `cosine` spans this run's --epochs, so it matches only a first run that said the same period.
      given: flags.lrSchedule === undefined ? undefined : formatSchedule(s.lrSchedule),
      held: r.lrSchedule === undefined ? undefined : formatSchedule(r.lrSchedule),
    },
    { flag: '--clip-norm', given: s.clipNorm, held: r.clipNorm },
  ];
}

/**
 * Check the flags of a resumed run against the checkpoint and return the settings to train with:
 * the flags' values, with every omitted model or training option taken from the checkpoint.
 *
 * @example
 * const settings = resumeSettings({ epochs: '8' }, loadRunCheckpoint('ckpt.safetensors')); // first run's --beta, lr, batch size …
 */
export function resumeSettings(flags: TrainFlags, point: RunCheckpoint): TrainSettings {
  const { model } = point;
  const config = model.config;
  // The family first: the family flags are read for it, and a wrong one would only confuse.
  if (flags.model !== undefined) {
    failOnClashes([{ flag: '--model', given: parseChoice('--model', flags.model, TRAIN_MODEL_KINDS), held: config.kind }], point.path);
  }
  const settings = parseTrainFlags(flags, config.kind);
  const recorded = recordedOptions(point.training);
  failOnClashes([...modelPins(flags, settings, point), ...(recorded ? trainingPins(flags, settings, recorded) : [])], point.path);
  const fixed = { ...settings, seed: config.seed, scale: model.scaler?.kind ?? 'none' } as const;
  if (recorded === null) return fixed;
  return {
    ...fixed,
    optimizer: recorded.optimizer ?? settings.optimizer,
    lr: recorded.lr ?? settings.lr,
    batchSize: recorded.batchSize ?? settings.batchSize,
    valSplit: recorded.valSplit ?? settings.valSplit,
    patience: recorded.patience ?? settings.patience,
    loss: recorded.loss ?? settings.loss,
    noise: recorded.noise === undefined ? settings.noise : (recorded.noise ?? undefined),
    lrSchedule: recorded.lrSchedule ?? settings.lrSchedule,
    clipNorm: recorded.clipNorm === undefined ? settings.clipNorm : (recorded.clipNorm ?? undefined),
  };
}

/**
 * Load options for the data of a resumed run: a CSV is read by the columns the checkpoint was
 * trained on; `--columns`, when given, must name those same columns.
 *
 * @example
 * loadDataset('lab.csv', resumeLoadOptions({}, 'lab.csv', point)); // the first run's columns
 */
export function resumeLoadOptions(flags: TrainFlags, data: string, point: RunCheckpoint): LoadOptions {
  const trained = trainedCsvColumns(point.training);
  if (flags.columns !== undefined && trained !== undefined) {
    failOnClashes([{ flag: '--columns', given: parseNameList('--columns', flags.columns), held: trained }], point.path);
  }
  return modelDataOptions(flags, data, point.training, point.path);
}
