/**
 * Interleaved repetitions. A shared machine changes speed from minute to minute (the other core's
 * load, the host's clock), so measuring each system in its own block lets a slow spell land on one
 * system only and skews its ratio. Here every round runs one repetition of each contender, the
 * order rotating from round to round, and a contender's ratio to the reference is taken within
 * each round (the two repetitions ran seconds apart) before the median over rounds is taken.
 */

import { median } from './workloads.js';

/** One system on one workload, set up once; each `rep` measures one repetition in samples/s. */
export interface Contender {
  readonly system: string;
  rep(): Promise<number>;
}

export interface InterleavedResult {
  readonly system: string;
  /** Samples/s of each measured round. */
  readonly rates: number[];
  /** This system's rate over the reference's rate, round by round. */
  readonly ratios: number[];
}

/**
 * Runs `warmupRounds` unmeasured rounds, then `rounds` measured ones; `reference` names the
 * contender the ratios divide by.
 */
export async function interleave(
  contenders: readonly Contender[],
  reference: string,
  rounds: number,
  warmupRounds = 1,
): Promise<InterleavedResult[]> {
  const referenceIndex = contenders.findIndex((c) => c.system === reference);
  if (referenceIndex < 0) throw new Error(`interleave: no contender named ${reference}`);
  const rates = contenders.map((): number[] => []);
  for (let round = -warmupRounds; round < rounds; round++) {
    const measured = contenders.map(() => 0);
    // Rotate the starting contender so that none always runs right after the same neighbour.
    const offset = ((round % contenders.length) + contenders.length) % contenders.length;
    for (let turn = 0; turn < contenders.length; turn++) {
      const index = (offset + turn) % contenders.length;
      measured[index] = await contenders[index]!.rep();
    }
    if (round >= 0) measured.forEach((rate, index) => rates[index]!.push(rate));
  }
  const referenceRates = rates[referenceIndex]!;
  return contenders.map((contender, index) => ({
    system: contender.system,
    rates: rates[index]!,
    ratios: rates[index]!.map((rate, round) => rate / referenceRates[round]!),
  }));
}

/** Repeats one contender alone, `reps` times; callers drop any warm-up repetition themselves. */
export async function repeat(contender: Contender, reps: number): Promise<number[]> {
  const rates: number[] = [];
  for (let i = 0; i < reps; i++) rates.push(await contender.rep());
  return rates;
}

/** "median (min–max)" of paired ratios, for the table. */
export function describeRatios(ratios: readonly number[]): string {
  if (ratios.length === 0) return '';
  const mid = median([...ratios]).toFixed(2);
  return ratios.length < 2 ? mid : `${mid} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}
