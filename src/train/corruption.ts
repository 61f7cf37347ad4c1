/**
 * Input corruption for denoising autoencoders (Vincent et al., 2008/2010) and for `--noise` demos.
 * The CLI spelling is `kind:number`:
 *
 *   gaussian:S     add N(0, S²) noise to every value (S ≥ 0)
 *   mask:F         set each value to 0 with probability F ("masking noise"), F in [0, 1]
 *   saltpepper:F   with probability F set a value to the low or high end of the range (fair coin);
 *                  the range is `clip` when given, else [0, 1]
 *
 * Invariants: only inputs are corrupted (training targets stay clean, so callers pass a copy of the
 * inputs, never the targets); `corrupt` returns a new array and leaves its argument untouched; all
 * randomness comes from the `Rng` passed in, so a seed reproduces the noise exactly.
 */

import { LatentError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';

export type Corruption =
  | { readonly kind: 'gaussian'; readonly sigma: number }
  | { readonly kind: 'mask'; readonly fraction: number }
  | { readonly kind: 'saltpepper'; readonly fraction: number };

const FORMS = 'gaussian:0.5, mask:0.3 or saltpepper:0.1';

/**
 * Parses the CLI spelling of a corruption.
 *
 * @example
 * parseCorruption('gaussian:0.5'); // { kind: 'gaussian', sigma: 0.5 }
 * parseCorruption('mask:0.3');     // { kind: 'mask', fraction: 0.3 }
 */
export function parseCorruption(text: string): Corruption {
  const spec = text.trim();
  const colon = spec.indexOf(':');
  const fail = (why: string): LatentError => new LatentError(`noise "${text}": ${why}`, `use one of ${FORMS}`);
  if (colon < 0) throw fail('expected kind:number');
  const kind = spec.slice(0, colon).trim().toLowerCase();
  const arg = spec.slice(colon + 1).trim();
  if (kind !== 'gaussian' && kind !== 'mask' && kind !== 'saltpepper') throw fail(`unknown kind "${kind}"`);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(arg)) throw fail(`"${arg}" is not a number`);
  const value = Number(arg);
  const corruption: Corruption = kind === 'gaussian' ? { kind, sigma: value } : { kind, fraction: value };
  checkCorruption(corruption, text);
  return corruption;
}

/**
 * The CLI spelling of a corruption.
 *
 * @example
 * formatCorruption({ kind: 'mask', fraction: 0.3 }); // 'mask:0.3'
 */
export function formatCorruption(corruption: Corruption): string {
  return corruption.kind === 'gaussian' ? `gaussian:${corruption.sigma}` : `${corruption.kind}:${corruption.fraction}`;
}

/**
 * A corrupted copy of `values`, optionally clipped to `[lo, hi]` (e.g. [0, 1] for pixels).
 *
 * @example
 * const noisy = corrupt(batch.data, parseCorruption('gaussian:0.3'), new Rng(7), [0, 1]);
 */
export function corrupt(values: Float32Array, corruption: Corruption, rng: Rng, clip?: readonly [number, number]): Float32Array {
  checkCorruption(corruption, formatCorruption(corruption));
  if (clip !== undefined && !(clip[0] < clip[1])) {
    throw new LatentError(
      `noise ${formatCorruption(corruption)}: the clip range [${clip[0]}, ${clip[1]}] is empty`,
      'give the range as [low, high] with low < high, e.g. [0, 1]',
    );
  }
  const out = new Float32Array(values.length);
  switch (corruption.kind) {
    case 'gaussian':
      for (let i = 0; i < values.length; i++) out[i] = values[i]! + corruption.sigma * rng.normal();
      break;
    case 'mask':
      for (let i = 0; i < values.length; i++) out[i] = rng.uniform() < corruption.fraction ? 0 : values[i]!;
      break;
    case 'saltpepper': {
      const [lo, hi] = clip ?? [0, 1];
      for (let i = 0; i < values.length; i++) {
        if (rng.uniform() < corruption.fraction) out[i] = rng.uniform() < 0.5 ? lo : hi;
        else out[i] = values[i]!;
      }
      break;
    }
  }
  if (clip !== undefined) {
    const [lo, hi] = clip;
    for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, out[i]!));
  }
  return out;
}

function checkCorruption(corruption: Corruption, text: string): void {
  if (corruption.kind === 'gaussian') {
    if (!(Number.isFinite(corruption.sigma) && corruption.sigma >= 0)) {
      throw new LatentError(
        `noise "${text}": the standard deviation ${corruption.sigma} must be a finite number ≥ 0`,
        'use e.g. gaussian:0.5',
      );
    }
    return;
  }
  if (!(corruption.fraction >= 0 && corruption.fraction <= 1)) {
    throw new LatentError(
      `noise "${text}": the fraction ${corruption.fraction} is outside [0, 1]`,
      `use e.g. ${corruption.kind}:0.3 to corrupt 30% of the values`,
    );
  }
}
