/**
 * Reference workloads of the design (W1 dense-mnist training, W3 encoding), shared by the latent
 * and TensorFlow.js runners so both train exactly the same architecture on the same data.
 */

/** W1: 784-512-128-32-128-512-784, ReLU, sigmoid output, BCE, Adam 1e-3, batch 128. */
export const W1 = {
  input: 784,
  encoder: [512, 128],
  latent: 32,
  batchSize: 128,
  lr: 1e-3,
} as const;

/** W3: encode 10,000 samples with the W1 encoder, batches of 1,000. */
export const W3 = { samples: 10_000, batchSize: 1_000 } as const;

/** Multiply-accumulates per sample of one W1 forward pass (×2 FLOPs, ×3 for a training step). */
export function w1FlopsPerTrainingSample(): number {
  const widths = [W1.input, ...W1.encoder, W1.latent, ...[...W1.encoder].reverse(), W1.input];
  let macs = 0;
  for (let i = 0; i + 1 < widths.length; i++) macs += widths[i]! * widths[i + 1]!;
  return macs * 2 * 3;
}

export interface Measurement {
  readonly name: string;
  /** Median samples per second over the repetitions. */
  readonly samplesPerSecond: number;
  readonly repetitions: number[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
