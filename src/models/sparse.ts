/**
 * Sparse autoencoder: a dense autoencoder whose latent code pays an activity penalty, so each
 * input is explained by a few active units (the code may be wider than the input).
 *
 * loss = reconstruction + l1 · mean_n Σ_j |h_nj| + sparsityWeight · Σ_j KL(ρ ‖ ρ̂_j),
 * with ρ̂_j the batch-mean activation of sigmoid unit j. Terms reported: reconstruction, l1,
 * sparsity (unweighted) and meanActivation (mean of ρ̂).
 *
 * State-dict keys match the dense family (`encoder.0.weight`, ...).
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
    const { l1, rho, sparsityWeight } = this.config;
    const code = this.encoder.forward(input);
    const reconstruction = reconstructionLoss(loss, this.lossReady(this.decoder.forward(code), loss), target);
    let total = reconstruction;
    const terms: Record<string, number> = { reconstruction: reconstruction.item(), meanActivation: mean(code).item() };
    if (l1 > 0) {
      const activity = mean(l1Activity(code));
      terms['l1'] = activity.item();
      total = add(total, scale(activity, l1));
    }
    if (sparsityWeight > 0) {
      const kl = klSparsity(code, rho);
      terms['sparsity'] = kl.item();
      total = add(total, scale(kl, sparsityWeight));
    }
    return { loss: total, terms };
  }
}
