/**
 * `latent train` flags → typed settings. Every value is checked here, before data is read or a
 * model built, so a typo fails in milliseconds with a message naming the option. Defaults that
 * depend on the data stay `undefined` here and are filled in by `train.ts` once the data is loaded.
 */

import type { Activation } from '../../backend/backend.js';
import type { ScalerKind } from '../../data/scaler.js';
import type { LossName } from '../../losses/reconstruction.js';
import { defaultLr, type OptimizerName } from '../../optim/factory.js';
import { parseSchedule, type ScheduleConfig } from '../../optim/schedules.js';
import { parseCorruption, type Corruption } from '../../train/corruption.js';
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
  readonly batchSize?: string;
  readonly valSplit?: string;
  readonly patience?: string;
  readonly seed?: string;
  readonly scale?: string;
  readonly checkpoint?: string;
  readonly resume?: string;
  readonly force?: boolean;
  readonly noise?: string;
  readonly dropout?: string;
  readonly lrSchedule?: string;
  readonly clipNorm?: string;
  readonly backend?: string;
  readonly report?: string;
  readonly quiet?: boolean;
}

/** Model families `latent train` builds from flags. */
export const TRAIN_MODEL_KINDS = ['dense'] as const;
export type TrainModelKind = (typeof TRAIN_MODEL_KINDS)[number];

/** The fixed defaults of `latent train` (the help text prints these). */
export const TRAIN_DEFAULTS = {
  epochs: 50,
  patience: 10,
  batchSize: 64,
  valSplit: 0.1,
  seed: 42,
  activation: 'relu',
  optimizer: 'adam',
  dropout: 0,
} as const;

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
  readonly epochs: number;
  readonly batchSize: number;
  readonly valSplit: number;
  /** 0 turns early stopping off. */
  readonly patience: number;
  readonly seed: number;
  readonly dropout: number;
  readonly noise: Corruption | undefined;
  readonly lrSchedule: ScheduleConfig | undefined;
  readonly clipNorm: number | undefined;
}

/**
 * Check every train flag and fill in the fixed defaults.
 *
 * @example
 * parseTrainFlags({ epochs: '3', latent: '8' }).epochs; // 3
 */
export function parseTrainFlags(flags: TrainFlags): TrainSettings {
  const optimizer = flags.optimizer === undefined ? TRAIN_DEFAULTS.optimizer : parseOptimizerOption('--optimizer', flags.optimizer);
  const epochs = flags.epochs === undefined ? TRAIN_DEFAULTS.epochs : parseInteger('--epochs', flags.epochs, { min: 1 });
  return {
    kind: parseChoice('--model', flags.model ?? 'dense', TRAIN_MODEL_KINDS),
    latent: flags.latent === undefined ? undefined : parseInteger('--latent', flags.latent, { min: 1 }),
    hidden: flags.hidden === undefined ? undefined : parseIntegerList('--hidden', flags.hidden, { min: 1 }),
    activation: parseActivationOption('--activation', flags.activation ?? TRAIN_DEFAULTS.activation),
    outputActivation: flags.outputActivation === undefined ? undefined : parseActivationOption('--output-activation', flags.outputActivation),
    loss: flags.loss === undefined ? undefined : parseLossOption('--loss', flags.loss),
    scale: flags.scale === undefined ? undefined : parseScaleOption('--scale', flags.scale),
    optimizer,
    lr: flags.lr === undefined ? defaultLr(optimizer) : parseNumber('--lr', flags.lr, { min: 0, aboveMin: true }),
    epochs,
    batchSize: flags.batchSize === undefined ? TRAIN_DEFAULTS.batchSize : parseInteger('--batch-size', flags.batchSize, { min: 1 }),
    valSplit: flags.valSplit === undefined ? TRAIN_DEFAULTS.valSplit : parseNumber('--val-split', flags.valSplit, { min: 0, max: 1, belowMax: true }),
    patience: flags.patience === undefined ? TRAIN_DEFAULTS.patience : parseInteger('--patience', flags.patience, { min: 0 }),
    seed: flags.seed === undefined ? TRAIN_DEFAULTS.seed : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 }),
    dropout: flags.dropout === undefined ? TRAIN_DEFAULTS.dropout : parseNumber('--dropout', flags.dropout, { min: 0, max: 1, belowMax: true }),
    noise: flags.noise === undefined ? undefined : parseCorruption(flags.noise),
    lrSchedule: flags.lrSchedule === undefined ? undefined : parseSchedule(flags.lrSchedule, epochs),
    clipNorm: flags.clipNorm === undefined ? undefined : parseNumber('--clip-norm', flags.clipNorm, { min: 0, aboveMin: true }),
  };
}
