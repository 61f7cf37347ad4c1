/**
 * The report's "Training" section: loss per epoch with the kept epoch marked, the learning rate,
 * and the loss's terms (for a VAE the ELBO's reconstruction and KL terms), with the stopping
 * reason in words. Browser-safe.
 */

import { describeStop } from '../../train/stop-reason.js';
import type { History } from '../../train/types.js';
import type { ReportFigure, ReportSection } from '../html-report.js';
import { responsiveChart } from '../responsive-chart.js';
import { formatNumber } from '../text.js';
import { describeLoss, learningRateSvg, lossCurvesSvg, lossTermsSvg, type TrainingCurvesInput } from '../views/training-curves.js';

/**
 * The section, or null when no epoch finished.
 *
 * @example
 * const section = trainingSection(history);
 */
export function trainingSection(history: History): ReportSection | null {
  if (history.epochs.length === 0) return null;
  const best = history.bestEpoch === null ? null : history.bestEpoch + 1;
  const stop = describeStop(history.stopReason);
  const input: TrainingCurvesInput = {
    epochs: history.epochs.map((e) => ({ epoch: e.epoch + 1, loss: e.loss, valLoss: e.valLoss, lr: e.lr, terms: e.terms })),
    lossName: history.loss,
    bestEpoch: best,
    stopReason: stop,
  };
  const figures: ReportFigure[] = [
    {
      ...responsiveChart((size) => lossCurvesSvg({ ...input, ...size }), { width: 760, height: 340 }),
      caption:
        `Lower is better. Training ${stop} after ${history.epochs.length} epochs` +
        (best === null ? '.' : `; the model keeps the weights of epoch ${best} (dashed line), where the validation loss was lowest.`),
      wide: true,
    },
  ];
  const terms = lossTermsSvg(input);
  if (terms !== null) {
    figures.push({
      ...responsiveChart((size) => lossTermsSvg({ ...input, ...size })!, { width: 480, height: 300 }),
      caption:
        history.epochs[0]?.terms['kl'] !== undefined
          ? 'The negative ELBO is the sum of the two: reconstruction (how well the decoder rebuilds the rows) plus KL divergence (how far the codes stray from the prior N(0, I)).'
          : 'The training loss is the reconstruction error plus the penalty terms shown.',
    });
  }
  if (learningRateSvg(input) !== null) {
    figures.push({
      ...responsiveChart((size) => learningRateSvg({ ...input, ...size })!, { width: 480, height: 260 }),
      caption: rateCaption(history),
    });
  }
  const kept = history.epochs.find((e) => e.epoch === history.bestEpoch) ?? history.epochs.at(-1)!;
  return {
    heading: 'Training',
    text:
      `${history.epochs[0]?.terms['kl'] !== undefined ? `Negative ELBO (${history.loss} reconstruction likelihood plus KL divergence)` : `Loss (${describeLoss(history.loss)})`} on the training rows and on the held-out validation rows, per epoch. ` +
      (kept.valLoss === null
        ? `Final training loss ${formatNumber(kept.loss)}.`
        : `At the kept epoch ${kept.epoch + 1}: training ${formatNumber(kept.loss)}, validation ${formatNumber(kept.valLoss)}.`),
    figures,
  };
}

function rateCaption(history: History): string {
  const rates = history.epochs.map((e) => e.lr);
  const first = rates[0]!;
  const last = rates[rates.length - 1]!;
  return rates.every((r) => r === first)
    ? `Constant at ${formatNumber(first)}.`
    : `The schedule moved the learning rate from ${formatNumber(first)} to ${formatNumber(last)}.`;
}
