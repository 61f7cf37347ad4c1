/**
 * Training progress for the terminal. On a TTY, one cli-progress bar per epoch showing loss,
 * validation loss, samples/s and ETA; elsewhere (pipes, CI, tests) one plain line per epoch:
 *
 *   epoch 3/50  loss 0.0912  val 0.0950  8123 samples/s  eta 12s
 *
 * `--quiet` turns both off. The trainer calls `onBatchEnd` at most every ~100 ms and yields to
 * the event loop, so the bar redraws while training runs.
 */

import cliProgress from 'cli-progress';
import type { BatchLog, EpochLog, History } from '../train/types.js';
import { formatCount, formatDuration, formatLoss } from './format.js';
import type { Io } from './io.js';

export interface Progress {
  readonly onBatchEnd: (log: BatchLog) => void;
  readonly onEpochEnd: (log: EpochLog, history: History) => void;
  /** Remove a bar that is still drawing (training stopped by an error). */
  stop(): void;
}

const SILENT: Progress = { onBatchEnd: () => {}, onEpochEnd: () => {}, stop: () => {} };

/**
 * One plain progress line for an epoch that just ended.
 *
 * @example
 * epochLine(log, 50, 12); // 'epoch 3/50  loss 0.0912  val 0.0950  8123 samples/s  eta 12s'
 */
export function epochLine(log: EpochLog, epochs: number, etaSeconds: number): string {
  const val = log.valLoss === null ? '' : `  val ${formatLoss(log.valLoss)}`;
  return `epoch ${log.epoch + 1}/${epochs}  loss ${formatLoss(log.loss)}${val}  ${Math.round(log.samplesPerSecond)} samples/s  eta ${formatDuration(etaSeconds)}`;
}

/**
 * Progress callbacks for `fit`, drawing to `io`.
 *
 * @param epochs - the total epoch count (the last epoch number shown).
 * @param startEpoch - epochs already done (when resuming), so the ETA counts only what is left.
 */
export function createProgress(io: Io, options: { quiet: boolean; epochs: number; startEpoch?: number }): Progress {
  if (options.quiet) return SILENT;
  const { epochs } = options;
  let secondsSoFar = 0;
  let epochsSoFar = 0;
  const eta = (epoch: number): number => (epochsSoFar === 0 ? NaN : (secondsSoFar / epochsSoFar) * (epochs - epoch - 1));

  const terminal = io.terminal;
  if (terminal === null) {
    return {
      onBatchEnd: () => {},
      onEpochEnd: (log) => {
        secondsSoFar += log.seconds;
        epochsSoFar++;
        io.out(`${epochLine(log, epochs, eta(log.epoch))}\n`);
      },
      stop: () => {},
    };
  }

  let bar: cliProgress.SingleBar | null = null;
  let lastVal = '-';
  const payload = (epoch: number, loss: number, rate: number, etaSeconds: number): Record<string, string> => ({
    epochText: `${epoch + 1}/${epochs}`,
    loss: formatLoss(loss),
    val: lastVal,
    rate: formatCount(rate),
    etaText: formatDuration(etaSeconds),
  });
  return {
    onBatchEnd: (log) => {
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            stream: terminal,
            format: 'epoch {epochText} {bar} {percentage}%  loss {loss}  val {val}  {rate} samples/s  eta {etaText}',
            hideCursor: true,
            clearOnComplete: false,
            barsize: 24,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(log.batches, 0, payload(log.epoch, log.loss, log.samplesPerSecond, log.etaSeconds));
      }
      bar.update(log.batch + 1, payload(log.epoch, log.loss, log.samplesPerSecond, log.etaSeconds));
    },
    onEpochEnd: (log) => {
      secondsSoFar += log.seconds;
      epochsSoFar++;
      lastVal = formatLoss(log.valLoss);
      if (bar !== null) {
        bar.update(bar.getTotal(), payload(log.epoch, log.loss, log.samplesPerSecond, eta(log.epoch)));
        bar.stop();
        bar = null;
      } else {
        io.out(`${epochLine(log, epochs, eta(log.epoch))}\n`);
      }
    },
    stop: () => {
      bar?.stop();
      bar = null;
    },
  };
}
