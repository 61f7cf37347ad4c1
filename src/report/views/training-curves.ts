/**
 * Training curves: loss per epoch (training and validation) with the kept epoch marked, the
 * learning rate per epoch, and the parts of the loss (for a VAE the ELBO's reconstruction and KL
 * terms). Shared by the report and the playground; DOM-free SVG strings.
 *
 * Invariant: epochs are counted from 1 here, as people read them.
 */

import { lineChart } from '../svg-chart.js';
import { formatNumber } from '../text.js';
import { extent } from './axis.js';
import { ALARM_COLOR } from './svg.js';

/** One epoch as the curves read it. */
export interface CurveEpoch {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number | null;
  /** Learning rate the epoch ended with, when known. */
  readonly lr?: number;
  /** Named parts of the loss averaged over the epoch (reconstruction, kl, ...). */
  readonly terms?: Readonly<Record<string, number>>;
}

export interface TrainingCurvesInput {
  readonly epochs: readonly CurveEpoch[];
  /** The loss function's short name (mse, bce, ...), or '' when unknown. */
  readonly lossName: string;
  /** The 1-based epoch whose weights the model kept, or null. */
  readonly bestEpoch?: number | null;
  /** Why training ended, in words (e.g. "stopped: the validation loss no longer improved"). */
  readonly stopReason?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Loss names in words, with the unit they are measured in. */
const LOSS_WORDS: Record<string, string> = {
  mse: 'mean squared error per value (scaled units²)',
  mae: 'mean absolute error per value (scaled units)',
  bce: 'binary cross-entropy per value (nats)',
  elbo: 'negative ELBO per sample (nats)',
};

/** Loss-term names in words. */
const TERM_WORDS: Record<string, string> = {
  reconstruction: 'reconstruction',
  kl: 'KL divergence',
  contraction: 'contractive penalty',
  sparsity: 'sparsity penalty (KL)',
  l1: 'L1 activity penalty',
  meanActivation: 'mean latent activation',
};

/**
 * The loss's name in words with its unit, e.g. "binary cross-entropy per value (nats)".
 *
 * @example
 * describeLoss('mse'); // 'mean squared error per value (scaled units²)'
 */
export function describeLoss(lossName: string): string {
  return LOSS_WORDS[lossName] ?? (lossName === '' ? 'loss' : lossName);
}

/**
 * Training and validation loss per epoch on a log axis, the kept epoch marked and the stopping
 * reason in the description.
 *
 * @example
 * container.innerHTML = lossCurvesSvg({ epochs, lossName: 'bce', bestEpoch: 12, stopReason: 'ran every epoch asked for' });
 */
export function lossCurvesSvg(input: TrainingCurvesInput): string {
  const { epochs } = input;
  const x = epochs.map((e) => e.epoch);
  const hasValidation = epochs.some((e) => e.valLoss !== null);
  const best = input.bestEpoch ?? null;
  const stop = input.stopReason === undefined ? '' : ` Training ${input.stopReason}.`;
  // A VAE's loss is the negative ELBO per sample, whatever its reconstruction likelihood.
  const variational = epochs.some((e) => e.terms?.['kl'] !== undefined);
  return lineChart({
    title: variational ? 'Loss per epoch (negative ELBO)' : input.lossName === '' ? 'Loss per epoch' : `Loss per epoch (${input.lossName})`,
    xLabel: 'epoch',
    yLabel: describeLoss(variational ? 'elbo' : input.lossName),
    logY: positiveSpread(epochs.map((e) => e.loss)),
    width: input.width ?? 760,
    height: input.height ?? 340,
    series: [
      { name: 'training', values: epochs.map((e) => e.loss), x },
      ...(hasValidation ? [{ name: 'validation', values: epochs.map((e) => e.valLoss ?? Number.NaN), x }] : []),
    ],
    markers: best === null ? [] : [{ x: best, label: `kept epoch ${best}`, color: ALARM_COLOR }],
    description:
      `Loss on the training rows${hasValidation ? ' and on the held-out validation rows' : ''} after each of ${epochs.length} epochs.` +
      (best === null ? '' : ` The model keeps the weights of epoch ${best}.`) +
      stop,
  });
}

/**
 * The learning rate per epoch, or null when no epoch records one.
 *
 * @example
 * const svg = learningRateSvg({ epochs, lossName: 'mse' }); // null for playground rows without rates
 */
export function learningRateSvg(input: TrainingCurvesInput): string | null {
  const withRate = input.epochs.filter((e) => e.lr !== undefined && Number.isFinite(e.lr));
  if (withRate.length === 0) return null;
  const rates = withRate.map((e) => e.lr!);
  const constant = rates.every((r) => r === rates[0]);
  return lineChart({
    title: 'Learning rate per epoch',
    xLabel: 'epoch',
    yLabel: 'learning rate',
    logY: !constant && positiveSpread(rates),
    ...(constant && rates[0]! > 0 ? { yDomain: [0, 2 * rates[0]!] as const } : {}),
    width: input.width ?? 480,
    height: input.height ?? 260,
    series: [{ name: 'learning rate', values: rates, x: withRate.map((e) => e.epoch), color: '#9467bd' }],
    description: constant
      ? `The learning rate stayed at ${formatNumber(rates[0]!)} for every epoch.`
      : `The learning rate per epoch, from ${formatNumber(rates[0]!)} to ${formatNumber(rates[rates.length - 1]!)}.`,
  });
}

/**
 * The loss's parts per epoch (for a VAE: reconstruction and KL, whose sum is the negative ELBO),
 * or null when the loss has a single part.
 *
 * @example
 * const svg = lossTermsSvg({ epochs, lossName: 'bce' }); // reconstruction and KL divergence per epoch
 */
export function lossTermsSvg(input: TrainingCurvesInput): string | null {
  const names = termNames(input.epochs);
  if (names.length < 2) return null;
  const x = input.epochs.map((e) => e.epoch);
  const vae = names.includes('kl');
  return lineChart({
    title: vae ? 'ELBO terms per epoch (training rows)' : 'Loss terms per epoch (training rows)',
    xLabel: 'epoch',
    yLabel: vae ? 'nats per sample' : 'value',
    logY: names.every((n) => positiveSpread(input.epochs.map((e) => e.terms?.[n] ?? Number.NaN))),
    width: input.width ?? 480,
    height: input.height ?? 300,
    series: names.map((name) => ({ name: TERM_WORDS[name] ?? name, values: input.epochs.map((e) => e.terms?.[name] ?? Number.NaN), x })),
    description: vae
      ? 'The two terms of the variational objective per epoch: how well the decoder rebuilds the inputs and how far the codes stray from the prior; their sum is the negative ELBO.'
      : `The parts of the training loss per epoch: ${names.map((n) => TERM_WORDS[n] ?? n).join(', ')}.`,
  });
}

/** Terms worth drawing: numeric in every epoch; `elbo` (the negated sum) and the KL weight are left out. */
function termNames(epochs: readonly CurveEpoch[]): string[] {
  const first = epochs[0]?.terms;
  if (first === undefined) return [];
  return Object.keys(first).filter(
    (name) => name !== 'elbo' && name !== 'beta' && epochs.every((e) => Number.isFinite(e.terms?.[name] ?? Number.NaN)),
  );
}

/** Whether values are all positive and span enough (over 5×) for a log axis to help. */
function positiveSpread(values: readonly number[]): boolean {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.some((v) => v <= 0)) return false;
  const [lo, hi] = extent(finite);
  return hi / lo > 5;
}
