/**
 * `latent train` flags → typed settings. Every value is checked here, before data is read or a
 * model built, so a typo fails in milliseconds with a message naming the option. Defaults that
 * depend on the data stay `undefined` here and are filled in by `train.ts` once the data is loaded.
 */

import type { Activation } from '../../backend/backend.js';
import { LatentError } from '../../errors.js';
import { MODEL_KINDS, type ModelKind } from '../../models/config.js';
import { DEFAULT_SPARSITY_WEIGHT, VAE_LIKELIHOODS, type VaeLikelihood } from '../../models/penalty-configs.js';
import type { ScalerKind } from '../../data/scaler.js';
import type { LossName } from '../../losses/reconstruction.js';
import { defaultLr, type OptimizerName } from '../../optim/factory.js';
import { parseSchedule, type ScheduleConfig } from '../../optim/schedules.js';
import { parseCorruption, type Corruption } from '../../train/corruption.js';
import { DETECTOR_DEFAULTS } from '../../tasks/detector.js';
import type { DataFlags } from '../common.js';
import {
  parseActivationOption,
  parseChoice,
  parseInteger,
  parseIntegerList,
  parseLossOption,
  parseNumber,
  parseOptimizerOption,
  parseScaleOption,
} from '../options.js';

/** Flags as commander hands them over (all text; booleans for switches). */
export interface TrainFlags extends DataFlags {
  readonly output?: string;
  readonly model?: string;
  readonly latent?: string;
  readonly hidden?: string;
  readonly activation?: string;
  readonly outputActivation?: string;
  readonly loss?: string;
  readonly optimizer?: string;
  readonly lr?: string;
  readonly epochs?: string;
  readonly maxTime?: string;
  readonly batchSize?: string;
  readonly valSplit?: string;
  readonly patience?: string;
  readonly seed?: string;
  readonly scale?: string;
  readonly checkpoint?: string;
  readonly resume?: string;
  readonly force?: boolean;
  readonly noise?: string;
  readonly thresholdRule?: string;
  readonly dropout?: string;
  readonly lrSchedule?: string;
  readonly clipNorm?: string;
  readonly backend?: string;
  readonly report?: string;
  readonly quiet?: boolean;
  readonly beta?: string;
  readonly warmupSteps?: string;
  readonly likelihood?: string;
  readonly rho?: string;
  readonly sparsityWeight?: string;
  readonly l1?: string;
  readonly contractiveWeight?: string;
  readonly convChannels?: string;
  readonly kernel?: string;
  readonly stride?: string;
  readonly padding?: string;
  readonly imageShape?: string;
  readonly channels?: string;
  /** --stream / --no-stream; undefined: decided by the data's size. */
  readonly stream?: boolean;
}

/** Model families `latent train` builds from flags. */
export const TRAIN_MODEL_KINDS = MODEL_KINDS;
export type TrainModelKind = ModelKind;

/**
 * Dropout when --dropout is left out: a model trained with --threshold-rule is an anomaly
 * detector, so it gets the detector's dropout (as `latent evaluate DATA` trains it); any other
 * model gets none.
 */
export function defaultDropout(flags: Pick<TrainFlags, 'thresholdRule'>): number {
  return flags.thresholdRule === undefined ? TRAIN_DEFAULTS.dropout : DETECTOR_DEFAULTS.dropout;
}

/** The fixed defaults of `latent train` (the help text prints these). */
export const TRAIN_DEFAULTS = {
  patience: 10,
  batchSize: 64,
  valSplit: 0.1,
  seed: 42,
  activation: 'relu',
  optimizer: 'adam',
  dropout: 0,
  beta: 1,
  warmupSteps: 0,
  rho: 0.05,
  sparsityWeight: DEFAULT_SPARSITY_WEIGHT,
  l1: 0,
  contractiveWeight: 1e-3,
  convChannels: [32, 64],
  kernel: 3,
  stride: 2,
} as const;

/** Family options a train run may set (undefined: the family's default, or not applicable). */
export interface FamilySettings {
  readonly beta: number | undefined;
  readonly warmupSteps: number | undefined;
  readonly likelihood: VaeLikelihood | undefined;
  readonly rho: number | undefined;
  readonly sparsityWeight: number | undefined;
  readonly l1: number | undefined;
  readonly contractiveWeight: number | undefined;
  readonly convChannels: number[] | undefined;
  readonly kernel: number | undefined;
  readonly stride: number | undefined;
  readonly padding: number | undefined;
  /** [channels, height, width] (conv), from --image-shape. */
  readonly imageShape: number[] | undefined;
  /** Channels per time step (conv1d). */
  readonly channels: number | undefined;
}

/** Which families each family flag applies to (a flag given for another family is an error). */
const FAMILY_FLAGS: ReadonlyArray<readonly [keyof FamilySettings, string, readonly ModelKind[]]> = [
  ['beta', '--beta', ['vae']],
  ['warmupSteps', '--warmup-steps', ['vae']],
  ['likelihood', '--likelihood', ['vae']],
  ['rho', '--rho', ['sparse']],
  ['sparsityWeight', '--sparsity-weight', ['sparse']],
  ['l1', '--l1', ['sparse']],
  ['contractiveWeight', '--contractive-weight', ['contractive']],
  ['convChannels', '--conv-channels', ['conv', 'conv1d']],
  ['kernel', '--kernel', ['conv', 'conv1d']],
  ['stride', '--stride', ['conv', 'conv1d']],
  ['padding', '--padding', ['conv', 'conv1d']],
  ['imageShape', '--image-shape', ['conv', 'vae']],
  ['channels', '--channels', ['conv1d']],
];

function parseFamily(flags: TrainFlags, kind: ModelKind): FamilySettings {
  const num = (flag: string, text: string | undefined, range: Parameters<typeof parseNumber>[2]): number | undefined =>
    text === undefined ? undefined : parseNumber(flag, text, range);
  const int = (flag: string, text: string | undefined, min: number): number | undefined =>
    text === undefined ? undefined : parseInteger(flag, text, { min });
  const family: FamilySettings = {
    beta: num('--beta', flags.beta, { min: 0 }),
    warmupSteps: int('--warmup-steps', flags.warmupSteps, 0),
    likelihood: flags.likelihood === undefined ? undefined : parseChoice('--likelihood', flags.likelihood, VAE_LIKELIHOODS),
    rho: num('--rho', flags.rho, { min: 0, max: 1, aboveMin: true, belowMax: true }),
    sparsityWeight: num('--sparsity-weight', flags.sparsityWeight, { min: 0 }),
    l1: num('--l1', flags.l1, { min: 0 }),
    contractiveWeight: num('--contractive-weight', flags.contractiveWeight, { min: 0 }),
    convChannels: flags.convChannels === undefined ? undefined : parseIntegerList('--conv-channels', flags.convChannels, { min: 1 }),
    kernel: int('--kernel', flags.kernel, 1),
    stride: int('--stride', flags.stride, 1),
    padding: int('--padding', flags.padding, 0),
    imageShape: flags.imageShape === undefined ? undefined : parseImageShape(flags.imageShape),
    channels: int('--channels', flags.channels, 1),
  };
  for (const [key, flag, kinds] of FAMILY_FLAGS) {
    if (family[key] !== undefined && !kinds.includes(kind)) {
      throw new LatentError(
        `${flag} applies to --model ${kinds.join(' or ')}, not --model ${kind}`,
        `drop ${flag}, or choose --model ${kinds[0]}`,
      );
    }
  }
  return family;
}

/** `C,H,W` or `H,W` (one channel) → [C, H, W]. */
function parseImageShape(text: string): number[] {
  const sizes = parseIntegerList('--image-shape', text, { min: 1 });
  if (sizes.length !== 2 && sizes.length !== 3) {
    throw new LatentError(`--image-shape "${text}" must be C,H,W or H,W`, 'e.g. --image-shape 1,28,28 for MNIST digits');
  }
  return sizes.length === 2 ? [1, ...sizes] : sizes;
}

export interface TrainSettings {
  readonly kind: TrainModelKind;
  /** Undefined: from the data. */
  readonly latent: number | undefined;
  readonly hidden: number[] | undefined;
  readonly activation: Activation;
  readonly outputActivation: Activation | undefined;
  readonly loss: LossName | undefined;
  readonly scale: ScalerKind | undefined;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  /** Undefined: the automatic budget (until the validation loss stops improving). */
  readonly epochs: number | undefined;
  /** Wall-time cap in seconds (--max-time). */
  readonly maxSeconds: number | undefined;
  readonly batchSize: number;
  readonly valSplit: number;
  /** 0 turns early stopping off. */
  readonly patience: number;
  /** Whether --patience was given (else the automatic budget sets it when --epochs is omitted). */
  readonly patienceGiven: boolean;
  readonly seed: number;
  readonly dropout: number;
  readonly noise: Corruption | undefined;
  readonly lrSchedule: ScheduleConfig | undefined;
  readonly clipNorm: number | undefined;
  readonly family: FamilySettings;
}

/**
 * Check every train flag and fill in the fixed defaults. `kindIfOmitted` is the family without
 * --model: dense for a fresh run, the checkpoint's family when resuming (so --beta needs no
 * --model vae then).
 *
 * @example
 * parseTrainFlags({ epochs: '3', latent: '8' }).epochs; // 3
 */
export function parseTrainFlags(flags: TrainFlags, kindIfOmitted: TrainModelKind = 'dense'): TrainSettings {
  const optimizer = flags.optimizer === undefined ? TRAIN_DEFAULTS.optimizer : parseOptimizerOption('--optimizer', flags.optimizer);
  const epochs = flags.epochs === undefined ? undefined : parseInteger('--epochs', flags.epochs, { min: 1 });
  const kind = flags.model === undefined ? kindIfOmitted : parseChoice('--model', flags.model, TRAIN_MODEL_KINDS);
  return {
    kind,
    family: parseFamily(flags, kind),
    latent: flags.latent === undefined ? undefined : parseInteger('--latent', flags.latent, { min: 1 }),
    hidden: flags.hidden === undefined ? undefined : parseIntegerList('--hidden', flags.hidden, { min: 1 }),
    activation: parseActivationOption('--activation', flags.activation ?? TRAIN_DEFAULTS.activation),
    outputActivation:
      flags.outputActivation === undefined ? undefined : parseActivationOption('--output-activation', flags.outputActivation),
    loss: flags.loss === undefined ? undefined : parseLossOption('--loss', flags.loss),
    scale: flags.scale === undefined ? undefined : parseScaleOption('--scale', flags.scale),
    optimizer,
    lr: flags.lr === undefined ? defaultLr(optimizer) : parseNumber('--lr', flags.lr, { min: 0, aboveMin: true }),
    epochs,
    batchSize: flags.batchSize === undefined ? TRAIN_DEFAULTS.batchSize : parseInteger('--batch-size', flags.batchSize, { min: 1 }),
    valSplit:
      flags.valSplit === undefined
        ? TRAIN_DEFAULTS.valSplit
        : parseNumber('--val-split', flags.valSplit, { min: 0, max: 1, belowMax: true }),
    patience: flags.patience === undefined ? TRAIN_DEFAULTS.patience : parseInteger('--patience', flags.patience, { min: 0 }),
    patienceGiven: flags.patience !== undefined,
    seed: flags.seed === undefined ? TRAIN_DEFAULTS.seed : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 }),
    dropout:
      flags.dropout === undefined ? defaultDropout(flags) : parseNumber('--dropout', flags.dropout, { min: 0, max: 1, belowMax: true }),
    noise: flags.noise === undefined ? undefined : parseCorruption(flags.noise),
    lrSchedule: flags.lrSchedule === undefined ? undefined : scheduleFlag(flags.lrSchedule, epochs),
    maxSeconds: flags.maxTime === undefined ? undefined : parseNumber('--max-time', flags.maxTime, { min: 0, aboveMin: true }),
    clipNorm: flags.clipNorm === undefined ? undefined : parseNumber('--clip-norm', flags.clipNorm, { min: 0, aboveMin: true }),
  };
}

/** --lr-schedule: a bare `cosine` spans --epochs, which the automatic budget does not fix. */
function scheduleFlag(text: string, epochs: number | undefined): ScheduleConfig {
  if (epochs === undefined && /^\s*cosine\s*$/i.test(text)) {
    throw new LatentError(
      '--lr-schedule cosine spans --epochs, and without --epochs training runs until the validation loss stops improving',
      'give --epochs N, or the period itself: --lr-schedule cosine:100',
    );
  }
  return parseSchedule(text, epochs ?? 1);
}

/**
 * The --lr-schedule spelling of a schedule, with the cosine period written out, so a stored
 * schedule reads back the same whatever --epochs the reading run has.
 *
 * @example
 * formatSchedule(parseSchedule('cosine', 20)); // 'cosine:20'
 */
export function formatSchedule(schedule: ScheduleConfig | undefined): string {
  if (schedule === undefined) return 'constant';
  switch (schedule.kind) {
    case 'constant':
      return 'constant';
    case 'step':
      return `step:${schedule.stepSize}:${schedule.gamma}`;
    case 'exponential':
      return `exponential:${schedule.gamma}`;
    case 'cosine':
      return `cosine:${schedule.epochs}`;
    case 'plateau':
      return `plateau:${schedule.factor}:${schedule.patience}`;
  }
}
