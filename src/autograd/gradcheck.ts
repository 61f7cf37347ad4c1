/**
 * gradcheck: compare reverse-mode gradients against central finite differences. Float32 storage
 * limits the accuracy of differences, so defaults use a largish step and tolerances stated here;
 * the loss is evaluated in float64 from the float32 outputs.
 */

import { backward } from './backward.js';
import { clearTape, noGrad } from './tape.js';
import { scope, Tensor } from './tensor.js';

export interface GradcheckOptions {
  readonly eps?: number;
  readonly atol?: number;
  readonly rtol?: number;
  /** Check at most this many entries per input (spread evenly), to keep big layers fast. */
  readonly maxChecks?: number;
}

export interface GradcheckResult {
  readonly ok: boolean;
  readonly worst: { input: number; index: number; analytic: number; numeric: number } | null;
  readonly message: string;
}

/**
 * Check d f / d inputs at the given point. `f` must return a scalar tensor and must be
 * deterministic (fixed dropout masks and noise).
 *
 * @example
 * const r = gradcheck((x) => sum(square(x[0]!)), [Tensor.from([1, 2], [2], { requiresGrad: true })]);
 * r.ok; // true
 */
export function gradcheck(f: (inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const { eps = 1e-2, atol = 2e-3, rtol = 2e-2, maxChecks = 40 } = options;
  for (const input of inputs) {
    input.grad?.dispose();
    input.grad = null;
  }
  scope(() => {
    clearTape();
    backward(f(inputs));
  });
  const evaluate = (): number => noGrad(() => scope(() => f(inputs).item()));
  let worst: GradcheckResult['worst'] = null;
  let worstExcess = -Infinity;
  inputs.forEach((input, which) => {
    if (!input.requiresGrad) return;
    const analytic = input.grad ? input.grad.toArray() : new Float32Array(input.size);
    const stride = Math.max(1, Math.floor(input.size / maxChecks));
    for (let i = 0; i < input.size; i += stride) {
      const original = input.data[i]!;
      input.data[i] = original + eps;
      const plus = evaluate();
      input.data[i] = original - eps;
      const minus = evaluate();
      input.data[i] = original;
      const numeric = (plus - minus) / (2 * eps);
      const excess = Math.abs(analytic[i]! - numeric) - (atol + rtol * Math.abs(numeric));
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { input: which, index: i, analytic: analytic[i]!, numeric };
      }
    }
  });
  const ok = worstExcess <= 0;
  const message =
    worst === null
      ? 'no inputs require grad'
      : `worst at input ${worst['input']} index ${worst['index']}: analytic ${worst['analytic']}, numeric ${worst['numeric']}`;
  return { ok, worst, message };
}
