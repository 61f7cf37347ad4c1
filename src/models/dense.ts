/**
 * Dense autoencoder: input → hidden… → latent → …hidden (mirrored) → input.
 *
 * Layer lists match torch.nn.Sequential of Linear/activation/Dropout modules, so state-dict keys
 * (`encoder.0.weight`, `decoder.2.bias`, ...) load into the equivalent PyTorch model. The decoder's
 * last Linear has no activation module: the output activation is applied by `Autoencoder`.
 * Families that only add a penalty (sparse) extend this class with their own config.
 */

import type { Activation as ActivationName } from '../backend/backend.js';
import { Sequential } from '../nn/sequential.js';
import { Rng } from '../tensor/rng.js';
import { Autoencoder } from './autoencoder.js';
import type { DenseConfig } from './config.js';
import type { SparseConfig } from './penalty-configs.js';
import { denseLayers } from './dense-stack.js';

export class DenseAutoencoder<C extends DenseConfig | SparseConfig = DenseConfig> extends Autoencoder {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  /** Drives dropout masks; its state goes into checkpoints. */
  readonly noiseRng: Rng;

  constructor(readonly config: C) {
    super();
    const initRng = new Rng(config.seed);
    this.noiseRng = initRng.fork();
    const { inputDim, hidden, latentDim, activation, latentActivation, dropout } = config;
    const widths = [inputDim, ...hidden, latentDim];
    this.encoder = this.registerModule(
      'encoder',
      new Sequential(denseLayers(widths, activation, latentActivation, dropout, initRng, this.noiseRng)),
    );
    const back = [...widths].reverse();
    this.decoder = this.registerModule(
      'decoder',
      new Sequential(denseLayers(back, activation, 'identity', dropout, initRng, this.noiseRng)),
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
}
