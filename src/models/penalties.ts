/**
 * Regularisation terms of the sparse, contractive and variational families, composed from
 * differentiable ops (so gradients come from the tape). Per-sample terms have shape [batch];
 * batch-level terms are scalars.
 */

import { abs, add, affine, exp, log, matmul, mul, mulRow, scale, square, sub, sum, sumCols } from '../autograd/ops.js';
import { Tensor } from '../autograd/tensor.js';

/** Σ_j |h_j| per sample: shape [batch]. */
export function l1Activity(code: Tensor): Tensor {
  return sumCols(abs(code));
}

/** Keeps log() finite when a sigmoid unit saturates to exactly 0 or 1 in float32. */
const SPARSITY_EPS = 1e-6;

/**
 * KL sparsity (Ng, "Sparse autoencoder" notes): Σ_j KL(ρ ‖ ρ̂_j) where ρ̂_j is the batch-mean
 * activation of unit j, for units in (0, 1). Scalar.
 */
export function klSparsity(code: Tensor, rho: number): Tensor {
  const rows = code.rows;
  const rhoHat = affine(matmul(Tensor.full([1, rows], 1 / rows), code), 1 - 2 * SPARSITY_EPS, SPARSITY_EPS);
  // ρ log ρ/ρ̂ + (1−ρ) log (1−ρ)/(1−ρ̂) = const − ρ log ρ̂ − (1−ρ) log(1−ρ̂).
  const constant = rho * Math.log(rho) + (1 - rho) * Math.log(1 - rho);
  const perUnit = affine(add(scale(log(rhoHat), -rho), scale(log(affine(rhoHat, -1, 1)), -(1 - rho))), 1, constant);
  return sum(perUnit);
}

/**
 * ‖J‖²_F of h = sigmoid(W x + b) per sample (Rifai et al. 2011, closed form):
 * Σ_j (h_j (1 − h_j))² Σ_i W_ji², with W stored [latent, in]. Shape [batch].
 */
export function sigmoidJacobianNorm(h: Tensor, weight: Tensor): Tensor {
  const slope = mul(h, affine(h, -1, 1));
  const rowNorms = sumCols(square(weight));
  return sumCols(mulRow(square(slope), rowNorms));
}

/** KL(N(μ, σ²) ‖ N(0, I)) per sample = −½ Σ_j (1 + logσ² − μ² − σ²): shape [batch]. */
export function gaussianKl(mu: Tensor, logvar: Tensor): Tensor {
  const inner = sub(affine(logvar, 1, 1), add(square(mu), exp(logvar)));
  return scale(sumCols(inner), -0.5);
}
