/**
 * Weight initialisers. Glorot (Xavier) uniform keeps activation variance for tanh/sigmoid layers;
 * He (Kaiming) suits the ReLU family. Both use fan-in/fan-out of a [out, in] weight.
 */

import { Tensor } from '../autograd/tensor.js';
import type { Rng } from '../tensor/rng.js';
import type { Shape } from '../tensor/shape.js';

export type Initializer = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros';

function fans(shape: Shape): [number, number] {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [(shape[1] ?? 1) * receptive, (shape[0] ?? 1) * receptive];
}

export function initialize(kind: Initializer, shape: Shape, rng: Rng): Tensor {
  const [fanIn, fanOut] = fans(shape);
  const options = { persistent: true, requiresGrad: true } as const;
  switch (kind) {
    case 'zeros':
      return Tensor.zeros(shape, options);
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return Tensor.uniform(shape, rng, -limit, limit, options);
    }
    case 'glorotNormal':
      return Tensor.randn(shape, rng, Math.sqrt(2 / (fanIn + fanOut)), options);
    case 'heUniform': {
      const limit = Math.sqrt(6 / fanIn);
      return Tensor.uniform(shape, rng, -limit, limit, options);
    }
    case 'heNormal':
      return Tensor.randn(shape, rng, Math.sqrt(2 / fanIn), options);
  }
}

/** The initialiser that keeps signal variance for a layer followed by `activation`. */
export function initializerFor(activation: string): Initializer {
  return activation === 'relu' || activation === 'leakyRelu' || activation === 'elu' || activation === 'gelu'
    ? 'heUniform'
    : 'glorotUniform';
}
