/**
 * The training summary and options in words for the report: readable labels with units instead of
 * field names (`finalValLoss`, `option outputActivation`), values formatted for people, and
 * settings that were not used left out. Browser-safe.
 */

import type { TrainingSummary } from '../io/model-io.js';
import type { ReportCell } from './html-report.js';
import { formatNumber } from './text.js';
import { describeLoss } from './views/training-curves.js';

/** Option keys as people read them, in the order they are shown. */
const OPTION_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['model', 'model family'],
  ['latent', 'latent size (code dimensions)'],
  ['hidden', 'hidden layer widths (encoder)'],
  ['activation', 'hidden activation'],
  ['outputActivation', 'output activation'],
  ['loss', 'loss function'],
  ['optimizer', 'optimizer'],
  ['lr', 'learning rate (start)'],
  ['lrSchedule', 'learning-rate schedule'],
  ['clipNorm', 'gradient clipping (global L2 norm)'],
  ['batchSize', 'batch size (rows per step)'],
  ['epochs', 'epoch budget'],
  ['budget', 'training length'],
  ['maxTime', 'time limit (seconds)'],
  ['patience', 'early-stopping patience (epochs)'],
  ['valSplit', 'validation share of rows'],
  ['seed', 'random seed'],
  ['scale', 'input scaling'],
  ['dropout', 'dropout after hidden layers'],
  ['noise', 'denoising noise'],
  ['kept', 'model kept'],
  ['resumedFrom', 'resumed from checkpoint'],
];

const FAMILY_WORDS: Record<string, string> = {
  dense: 'dense autoencoder',
  conv: 'convolutional autoencoder',
  conv1d: '1-D convolutional autoencoder',
  vae: 'variational autoencoder (VAE)',
  sparse: 'sparse autoencoder',
  contractive: 'contractive autoencoder',
};

const SCALE_WORDS: Record<string, string> = {
  standard: 'standardised (each column to mean 0, standard deviation 1)',
  minmax: 'min–max (each column to [0, 1])',
  none: 'none (values used as they are)',
};

/**
 * Settings the run used, as (label, value) rows; options that were off or absent are left out.
 *
 * @example
 * settingsRows(summary); // [['model family', 'dense autoencoder'], ['latent size (code dimensions)', 8], ...]
 */
export function settingsRows(summary: TrainingSummary): Array<[string, ReportCell]> {
  const options = summary['options'];
  if (options === null || typeof options !== 'object') return [];
  const record = options as Record<string, unknown>;
  const rows: Array<[string, ReportCell]> = [];
  for (const [key, label] of OPTION_LABELS) {
    const value = readable(key, record[key]);
    // Settings read as text, left-aligned like the words beside them.
    if (value !== null) rows.push([label, typeof value === 'number' ? formatNumber(value) : value]);
  }
  return rows;
}

/** The family in words, e.g. "variational autoencoder (VAE)". */
export function familyWords(kind: string): string {
  return FAMILY_WORDS[kind] ?? `${kind} autoencoder`;
}

function readable(key: string, value: unknown): ReportCell {
  if (value === null || value === undefined || value === '') return null;
  switch (key) {
    case 'model':
      return familyWords(String(value));
    case 'hidden':
      return Array.isArray(value) ? (value.length === 0 ? 'none (linear)' : value.join(' → ')) : null;
    case 'loss':
      return `${String(value)}: ${describeLoss(String(value))}`;
    case 'valSplit':
      return typeof value === 'number' ? `${Math.round(value * 1000) / 10}%` : null;
    case 'budget':
      return value === 'auto' ? 'automatic (until the validation loss stops improving)' : 'fixed number of epochs';
    case 'patience':
      return value === 0 ? 'off' : cellOf(value);
    case 'scale':
      return SCALE_WORDS[String(value)] ?? String(value);
    case 'dropout':
      return value === 0 ? null : cellOf(value);
    case 'noise':
      return value === 'none' ? null : cellOf(value);
    case 'kept':
      return value === 'linear' ? 'the linear model (PCA): it rebuilt the validation rows as well or better' : 'the trained model';
    case 'lrSchedule':
      return value === 'constant' ? 'constant' : cellOf(value);
    default:
      return cellOf(value);
  }
}

function cellOf(value: unknown): ReportCell {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value) ?? null;
}

/**
 * Seconds as people read a duration: "42 s", "3 min 5 s", "1 h 2 min".
 *
 * @example
 * formatSeconds(185); // '3 min 5 s'
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
