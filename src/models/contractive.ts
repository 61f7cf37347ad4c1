/**
 * Contractive autoencoder (Rifai et al. 2011): one sigmoid encoder layer h = σ(W x + b) and a
 * linear decoder, trained with
 *
 *   loss = reconstruction + λ · mean_n ‖∂h/∂x(x_n)‖²_F,   ‖J‖²_F = Σ_j (h_j (1 − h_j))² Σ_i W_ji²,
 *
 * so codes change little under small input perturbations. The closed form holds for exactly one
 * sigmoid layer, which the config enforces. Terms reported: reconstruction, contraction (unweighted).
 *
 * State-dict keys: `encoder.0.weight`, `encoder.0.bias`, `decoder.0.weight`, `decoder.0.bias`.
 */

import { add, mean, scale } from '../autograd/ops.js';
import type { Tensor } from '../autograd/tensor.js';
import type { Activation as ActivationName } from '../backend/backend.js';
import { reconstructionLoss, type LossName } from '../losses/reconstruction.js';
import { Activation } from '../nn/activations.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { Rng } from '../tensor/rng.js';
import { Autoencoder, type Objective } from './autoencoder.js';
import type { ContractiveConfig } from './penalty-configs.js';
import { sigmoidJacobianNorm } from './penalties.js';

export class ContractiveAutoencoder extends Autoencoder {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly noiseRng: Rng;
  private readonly encoderLinear: Linear;

  constructor(readonly config: ContractiveConfig) {
    super();
    const initRng = new Rng(config.seed);
    this.noiseRng = initRng.fork();
    this.encoderLinear = new Linear(config.inputDim, config.latentDim, initRng, { init: 'glorotUniform' });
    this.encoder = this.registerModule('encoder', new Sequential([this.encoderLinear, new Activation('sigmoid')]));
    this.decoder = this.registerModule(
      'decoder',
      new Sequential([new Linear(config.latentDim, config.inputDim, initRng, { init: 'glorotUniform' })]),
    );
  }

  get inputDim(): number {
    return this.config.inputDim;
  }

  get latentDim(): number {
    return this.config.latentDim;
  }

  get outputActivation(): ActivationName {
    return this.config.outputActivation;
  }

  /** Mean squared Frobenius norm of the encoder Jacobian over the batch (scalar). */
  contraction(input: Tensor): Tensor {
    return mean(sigmoidJacobianNorm(this.encoder.forward(input), this.encoderLinear.weight));
  }

  override objective(input: Tensor, target: Tensor, loss: LossName): Objective {
    const h = this.encoder.forward(input);
    const reconstruction = reconstructionLoss(loss, this.lossReady(this.decoder.forward(h), loss), target);
    const contraction = mean(sigmoidJacobianNorm(h, this.encoderLinear.weight));
    const total = add(reconstruction, scale(contraction, this.config.lambda));
    return { loss: total, terms: { reconstruction: reconstruction.item(), contraction: contraction.item() } };
  }
}
