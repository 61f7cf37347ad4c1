/**
 * The loss curve stored in a model file's training summary (`lossCurve`, `valLossCurve`), read
 * back as epoch rows for the loss chart of an opened model. The summary is JSON from a file, so
 * every field is checked; anything malformed gives an empty curve rather than an error.
 */

import type { TrainingSummary } from '../../src/index.js';
import type { EpochRow } from './protocol.js';

/**
 * Epoch rows from a training summary (empty when it has no curve).
 *
 * @example
 * curveFromSummary(modelFromBytes(bytes, 'm.safetensors').training); // [{ epoch: 1, loss: 0.2, ... }, ...]
 */
export function curveFromSummary(summary: TrainingSummary | null): EpochRow[] {
  if (summary === null) return [];
  const losses = numbers(summary['lossCurve']);
  const valLosses = summary['valLossCurve'];
  if (losses === null) return [];
  const validation = Array.isArray(valLosses) ? valLosses : [];
  return losses.map((loss, i) => {
    const v: unknown = validation[i];
    return { epoch: i + 1, loss, valLoss: typeof v === 'number' ? v : null, seconds: 0, samplesPerSecond: 0 };
  });
}

function numbers(value: unknown): number[] | null {
  return Array.isArray(value) && value.every((v): v is number => typeof v === 'number') ? value : null;
}
