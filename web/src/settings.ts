/**
 * The training form's values as typed, checked settings. Parsing is separate from the DOM (it
 * takes a plain record of the fields' texts), so every rule is plain code; each refusal is a
 * SettingError naming the field (as labelled and by input name, so the page can mark it) and the
 * accepted range.
 */

import { LatentError } from '../../src/errors.js';
import { FAMILIES, LOSS_CHOICES, NOISE_CHOICES, type TrainSettings } from './protocol.js';

/** The form's fields, by input name. */
export const SETTING_FIELDS = ['family', 'latent', 'hidden', 'epochs', 'lr', 'batch', 'loss', 'seed', 'validation', 'noise'] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

/** Defaults that train the built-in digits to recognisable reconstructions in a few seconds. */
export const DEFAULT_FORM: Readonly<Record<SettingField, string>> = {
  family: 'dense',
  latent: '8',
  hidden: '256, 64',
  epochs: '10',
  lr: '0.001',
  batch: '64',
  loss: 'auto',
  seed: '42',
  validation: '10',
  noise: 'none',
};

/** A refused setting: the LatentError for the user, and the field the page marks as invalid. */
export class SettingError extends LatentError {
  constructor(
    readonly field: SettingField,
    message: string,
    hint: string,
  ) {
    super(message, hint);
  }
}

/**
 * Settings from the form's texts.
 *
 * @example
 * parseSettings(DEFAULT_FORM).hidden; // [256, 64]
 */
export function parseSettings(form: Readonly<Record<SettingField, string>>): TrainSettings {
  return {
    family: choice(form.family, ['family', 'family'], FAMILIES),
    latentDim: integer(form.latent, ['latent', 'latent size'], 1, 1024),
    hidden: sizes(form.hidden, ['hidden', form.family === 'conv' ? 'conv channels' : 'hidden sizes']),
    epochs: integer(form.epochs, ['epochs', 'epochs'], 1, 1000),
    learningRate: decimal(form.lr, ['lr', 'learning rate'], 1e-6, 1),
    batchSize: integer(form.batch, ['batch', 'batch size'], 1, 4096),
    loss: choice(form.loss, ['loss', 'loss'], LOSS_CHOICES),
    seed: integer(form.seed, ['seed', 'seed'], 0, 2 ** 31 - 1),
    validationFraction: integer(form.validation, ['validation', 'validation %'], 0, 50) / 100,
    noise: choice(form.noise, ['noise', 'training noise'], NOISE_CHOICES),
  };
}

/** A field's input name and its label. */
type Named = readonly [SettingField, string];

function integer(text: string, [name, field]: Named, min: number, max: number): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new SettingError(
      name,
      `${field}: ${JSON.stringify(text)} is not a whole number from ${min} to ${max}`,
      `enter a ${field} such as ${min === 0 ? 10 : Math.max(min, 2)}`,
    );
  }
  return value;
}

function decimal(text: string, [name, field]: Named, min: number, max: number): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new SettingError(
      name,
      `${field}: ${JSON.stringify(text)} is not a number from ${min} to ${max}`,
      `enter a ${field} such as 0.001`,
    );
  }
  return value;
}

function sizes(text: string, field: Named): number[] {
  if (text.trim() === '') return [];
  return text
    .split(/[\s,]+/)
    .filter((part) => part !== '')
    .map((part) => integer(part, field, 1, 4096));
}

function choice<T extends string>(text: string, [name, field]: Named, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === text);
  if (found === undefined)
    throw new SettingError(name, `${field}: unknown choice ${JSON.stringify(text)}`, `choose one of ${allowed.join(', ')}`);
  return found;
}
