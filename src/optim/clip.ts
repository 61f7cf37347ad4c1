/**
 * Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_): when the L2 norm over all
 * gradients exceeds `maxNorm`, scale every gradient by maxNorm / norm. Returns the norm before.
 */

import type { Tensor } from '../autograd/tensor.js';

export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  let squares = 0;
  for (const p of params) if (p.grad) squares += p.backend.sumSquares(p.grad.data);
  const norm = Math.sqrt(squares);
  if (norm > maxNorm && norm > 0) {
    const factor = maxNorm / (norm + 1e-6);
    for (const p of params) if (p.grad) p.backend.affine(p.grad.data, factor, 0, p.grad.data);
  }
  return norm;
}
