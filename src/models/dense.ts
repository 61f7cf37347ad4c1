/**
 * Dense autoencoder: input → hidden… → latent → …hidden (mirrored) → input.
 *
 * Layer lists match torch.nn.Sequential of Linear/activation/Dropout modules, so state-dict keys
 * (`encoder.0.weight`, `decoder.2.bias`, ...) load into the equivalent PyTorch model. The decoder's
 * last Linear has no activation module: the output activation is applied by `Autoencoder`.
 */

import type { Activation as ActivationName } from '../backend/backend.js';
import { Activation } from '../nn/activations.js';
import { initializerFor } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Dropout } from '../nn/stochastic.js';
import { Rng } from '../tensor/rng.js';
import { Autoencoder } from './autoencoder.js';
import type { DenseConfig } from './config.js';

export class DenseAutoencoder extends Autoencoder {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  /** Drives dropout masks; its state goes into checkpoints. */
  readonly noiseRng: Rng;

  constructor(readonly config: DenseConfig) {
    super();
    const initRng = new Rng(config.seed);
    this.noiseRng = initRng.fork();
    const { inputDim, hidden, latentDim, activation, latentActivation, dropout } = config;
    const widths = [inputDim, ...hidden, latentDim];
    this.encoder = this.registerModule('encoder', new Sequential(this.stack(widths, activation, latentActivation, dropout, initRng)));
    const back = [...widths].reverse();
    this.decoder = this.registerModule('decoder', new Sequential(this.stack(back, activation, 'identity', dropout, initRng)));
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

  /** Linear layers through `widths`; hidden ones get activation (+ dropout), the last gets `last`. */
  private stack(widths: readonly number[], act: ActivationName, last: ActivationName, dropout: number, rng: Rng): Module[] {
    const layers: Module[] = [];
    for (let i = 0; i + 1 < widths.length; i++) {
      const isLast = i + 2 === widths.length;
      const layerAct = isLast ? last : act;
      layers.push(new Linear(widths[i]!, widths[i + 1]!, rng, { init: initializerFor(layerAct) }));
      if (layerAct !== 'identity') layers.push(new Activation(layerAct));
      if (!isLast && dropout > 0) layers.push(new Dropout(dropout, this.noiseRng));
    }
    return layers;
  }
}
