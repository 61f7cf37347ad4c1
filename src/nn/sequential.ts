/**
 * Sequential: children named "0", "1", ... as in torch.nn.Sequential, so parameter keys match a
 * PyTorch model built from the same list. A Linear directly followed by an Activation runs as one
 * fused kernel, and so do a convolution layer's bias and the Activation after it; the module list
 * (and so the names) stays exactly as PyTorch would have it.
 */

import type { Tensor } from '../autograd/tensor.js';
import { Activation } from './activations.js';
import { ConvLayer2d } from './conv.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      const next = this.layers[i + 1];
      if ((layer instanceof Linear || layer instanceof ConvLayer2d) && next instanceof Activation) {
        y = layer.forwardActivated(y, next.kind, next.alpha);
        i++;
        continue;
      }
      y = layer.forward(y);
    }
    return y;
  }
}
