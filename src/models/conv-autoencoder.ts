/**
 * Convolutional autoencoder over images (`conv`) or windows of a series (`conv1d`).
 *
 * encoder: [Conv → activation] × len(convChannels) → Flatten → Linear(latentDim)
 * decoder: Linear(flat) → activation → Reshape → [ConvTranspose → activation] × … → ConvTranspose
 * (the last transposed conv has no activation module: the output activation is applied by
 * `Autoencoder`, so BCE can consume logits). Output paddings come from `convGeometry`, so the
 * decoder restores the input size exactly.
 *
 * Rows in and out are flattened NCHW (or NCL) samples: the encoder and decoder are RowSequential,
 * whose children are named as in the torch.nn.Sequential that takes image tensors.
 */

import type { Activation as ActivationName } from '../backend/backend.js';
import { Activation } from '../nn/activations.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { Conv1d, ConvTranspose1d } from '../nn/conv1d.js';
import { initializerFor } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { Flatten, Reshape } from '../nn/reshape.js';
import { RowSequential } from '../nn/row-sequential.js';
import { Rng } from '../tensor/rng.js';
import { Autoencoder } from './autoencoder.js';
import { convGeometry, type Conv1dConfig, type ConvConfig, type ConvGeometry } from './conv-config.js';

export class ConvAutoencoder extends Autoencoder {
  readonly encoder: RowSequential;
  readonly decoder: RowSequential;
  readonly noiseRng: Rng;
  readonly geometry: ConvGeometry;

  constructor(readonly config: ConvConfig | Conv1dConfig) {
    super();
    const initRng = new Rng(config.seed);
    this.noiseRng = initRng.fork();
    const g = convGeometry(config);
    this.geometry = g;
    const { channels, convChannels, kernel, stride, padding, latentDim, activation } = config;
    const init = initializerFor(activation);
    const act = (layers: Module[]): void => {
      if (activation !== 'identity') layers.push(new Activation(activation));
    };
    const conv = (inC: number, outC: number): Module =>
      config.kind === 'conv'
        ? new Conv2d(inC, outC, kernel, initRng, { stride, padding, init })
        : new Conv1d(inC, outC, kernel, initRng, { stride, padding, init });
    const deconv = (inC: number, outC: number, outputPadding: readonly number[], last: boolean): Module => {
      const layerInit = last ? 'glorotUniform' : init;
      return config.kind === 'conv'
        ? new ConvTranspose2d(inC, outC, kernel, initRng, {
            stride,
            padding,
            outputPadding: [outputPadding[0]!, outputPadding[1]!],
            init: layerInit,
          })
        : new ConvTranspose1d(inC, outC, kernel, initRng, { stride, padding, outputPadding: outputPadding[0]!, init: layerInit });
    };

    const inChannels = [channels, ...convChannels];
    const encoder: Module[] = [];
    convChannels.forEach((c, i) => {
      encoder.push(conv(inChannels[i]!, c));
      act(encoder);
    });
    encoder.push(new Flatten(), new Linear(g.flatDim, latentDim, initRng, { init: 'glorotUniform' }));

    const codeGrid = g.sizes[g.sizes.length - 1]!;
    const decoder: Module[] = [new Linear(latentDim, g.flatDim, initRng, { init })];
    act(decoder);
    decoder.push(new Reshape([convChannels[convChannels.length - 1]!, ...codeGrid]));
    for (let i = convChannels.length - 1; i >= 0; i--) {
      decoder.push(deconv(convChannels[i]!, inChannels[i]!, g.outputPadding[i]!, i === 0));
      if (i > 0) act(decoder);
    }
    const inputShape = [channels, ...g.sizes[0]!];
    this.encoder = this.registerModule('encoder', new RowSequential(encoder, inputShape));
    this.decoder = this.registerModule('decoder', new RowSequential(decoder, [latentDim]));
  }

  get inputDim(): number {
    return this.geometry.inputDim;
  }

  get latentDim(): number {
    return this.config.latentDim;
  }

  get outputActivation(): ActivationName {
    return this.config.outputActivation;
  }
}
