/**
 * Sparse autoencoder: a dense autoencoder whose latent code pays an activity penalty, so each
 * input is explained by a few active units (the code may be wider than the input).
 *
 * Per sample, as in Ng's "Sparse autoencoder" notes, the objective weighs the reconstruction error
 * summed over the D input features against the penalties of the code:
 *
 *   Σ_i ℓ(x̂_i, x_i) + l1 · Σ_j |h_j| + sparsityWeight · Σ_j KL(ρ ‖ ρ̂_j),
 *
 * with ρ̂_j the batch-mean activation of sigmoid unit j. The whole objective is divided by D, so the
 * reconstruction term is the same per-feature mean that every other family reports and optimises,
 * while the penalties keep their meaning whatever the input size (weight 3 is Ng's choice for the
 * KL term). Penalties compared with a per-feature mean instead would grow D times stronger: on
 * MNIST they swamp the reconstruction and every digit decodes to the same blur.
 *
 * Terms reported: reconstruction (per feature), l1 (mean Σ_j |h_j|), sparsity (Σ_j KL, unweighted)
 * and meanActivation (mean of the code). State-dict keys match the dense family (`encoder.0.weight`, ...).
 */

import { add, mean, scale } from '../autograd/ops.js';
import type { Tensor } from '../autograd/tensor.js';
import { reconstructionLoss, type LossName } from '../losses/reconstruction.js';
import type { Objective } from './autoencoder.js';
import { DenseAutoencoder } from './dense.js';
import type { SparseConfig } from './penalty-configs.js';
import { klSparsity, l1Activity } from './penalties.js';

export class SparseAutoencoder extends DenseAutoencoder<SparseConfig> {
  override objective(input: Tensor, target: Tensor, loss: LossName): Objective {
    const { l1, rho, sparsityWeight, inputDim } = this.config;
    const code = this.encoder.forward(input);
    const reconstruction = reconstructionLoss(loss, this.lossReady(this.decoder.forward(code), loss), target);
    let total = reconstruction;
    const terms: Record<string, number> = { reconstruction: reconstruction.item(), meanActivation: mean(code).item() };
    if (l1 > 0) {
      const activity = mean(l1Activity(code));
      terms['l1'] = activity.item();
      total = add(total, scale(activity, l1 / inputDim));
    }
    if (sparsityWeight > 0) {
      const kl = klSparsity(code, rho);
      terms['sparsity'] = kl.item();
      total = add(total, scale(kl, sparsityWeight / inputDim));
    }
    return { loss: total, terms };
  }
}
