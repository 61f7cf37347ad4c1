/**
 * Layers that no built-in family uses yet (batch and layer norm, dilation, layers without bias),
 * exported with `exportModuleOnnx` and checked against ONNX Runtime; and the error for a layer
 * with no ONNX mapping.
 */

import { describe, expect, it } from 'vitest';
import { noGrad } from '../../autograd/tape.js';
import { scope, Tensor } from '../../autograd/tensor.js';
import type { Matrix } from '../../data/matrix.js';
import {
  Activation,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  Flatten,
  LayerNorm,
  Linear,
  Module,
  Reshape,
  RowSequential,
  Sequential,
} from '../../nn/index.js';
import { Rng } from '../../tensor/rng.js';
import { expectAllClose } from '../../test-utils/close.js';
import { exportModuleOnnx } from './export.js';
import { maxAbs, randomizeWeights, randomRows, runOrt } from './test-utils/ort.js';

function forward(module: Module, x: Matrix): Float32Array {
  module.eval();
  return noGrad(() => scope(() => module.forward(Tensor.from(x.data, [x.rows, x.cols])).toArray()));
}

async function check(module: Module, inputDim: number): Promise<void> {
  randomizeWeights(module, 9);
  const x = randomRows(5, inputDim, 10);
  const expected = forward(module, x);
  const actual = (await runOrt(exportModuleOnnx(module, inputDim), x))['output']!;
  expectAllClose(actual.data, expected, 2e-5 * Math.max(1, maxAbs(expected)), 1e-4);
}

const rng = new Rng(4);

describe('layers against ONNX Runtime', () => {
  it('BatchNorm1d (running statistics) and LayerNorm on rows', async () => {
    await check(
      new Sequential([
        new Linear(6, 5, rng),
        new BatchNorm1d(5),
        new Activation('relu'),
        new LayerNorm(5),
        new Linear(5, 3, rng, { bias: false }),
      ]),
      6,
    );
  });

  it('BatchNorm without affine parameters and LayerNorm without them', async () => {
    await check(new Sequential([new BatchNorm1d(4, { affine: false, eps: 1e-3 }), new LayerNorm(4, 1e-4, false)]), 4);
  });

  it('Conv2d with dilation, BatchNorm2d and LayerNorm over [C, H, W]', async () => {
    const net = new RowSequential(
      [
        new Conv2d(2, 3, [3, 2], rng, { padding: [2, 1], dilation: [2, 1] }),
        new BatchNorm2d(3),
        new Activation('elu', 0.7),
        new LayerNorm([3, 5, 5]),
        new Flatten(),
      ],
      [2, 5, 4],
    );
    await check(net, 40);
  });

  it('ConvTranspose2d with unequal strides and output padding, without bias', async () => {
    const net = new RowSequential(
      [new ConvTranspose2d(2, 1, [2, 3], rng, { stride: [2, 3], padding: [0, 1], outputPadding: [1, 2], bias: false })],
      [2, 3, 3],
    );
    await check(net, 18);
  });

  it('Conv1d with dilation and ConvTranspose1d with output padding', async () => {
    const net = new RowSequential(
      [
        new Conv1d(2, 3, 3, rng, { dilation: 2, padding: 1 }),
        new Activation('leakyRelu', 0.2),
        new ConvTranspose1d(3, 2, 4, rng, { stride: 2, padding: 1, outputPadding: 1 }),
      ],
      [2, 9],
    );
    await check(net, 18);
  });

  it('Reshape then Flatten round trip inside a Sequential', async () => {
    await check(new Sequential([new Linear(4, 12, rng), new Reshape([3, 4]), new Flatten(), new Activation('gelu')]), 4);
  });
});

describe('unsupported layers', () => {
  class Doubler extends Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  }

  it('names the layer and its path', () => {
    expect(() => exportModuleOnnx(new Sequential([new Linear(3, 3, rng), new Doubler()]), 3)).toThrow(
      /layer module\.1 \(Doubler\) has no ONNX mapping/,
    );
  });

  it('refuses a network that does not return rows', () => {
    expect(() => exportModuleOnnx(new Sequential([new Linear(4, 4, rng), new Reshape([2, 2])]), 4)).toThrow(/not rows/);
  });
});
