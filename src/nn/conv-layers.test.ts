import { describe, expect, it } from 'vitest';
import { backward, clearTape, gradcheck, ops, Tensor } from '../autograd/index.js';
import { takeTape } from '../autograd/tape.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import {
  Activation,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  Flatten,
  Linear,
  Reshape,
  RowSequential,
  Sequential,
} from './index.js';

const project = (y: Tensor): Tensor => ops.sum(ops.mul(y, Tensor.uniform(y.shape, new Rng(5), -1, 1)));
const input = (shape: number[], seed = 3): Tensor => Tensor.uniform(shape, new Rng(seed), -1, 1, { requiresGrad: true });

/** Direct 1-D convolution: y[n,o,t] = b[o] + Σ_{c,k} w[o,c,k]·x[n,c,t·s − p + k·d]. */
function directConv1d(x: Tensor, w: Tensor, b: Tensor, s: number, p: number, d: number): number[] {
  const [n, c, l] = x.shape as [number, number, number];
  const [o, , k] = w.shape as [number, number, number];
  const outL = Math.floor((l + 2 * p - d * (k - 1) - 1) / s) + 1;
  const out: number[] = [];
  for (let ni = 0; ni < n; ni++)
    for (let oi = 0; oi < o; oi++)
      for (let t = 0; t < outL; t++) {
        let v = b.data[oi]!;
        for (let ci = 0; ci < c; ci++)
          for (let ki = 0; ki < k; ki++) {
            const i = t * s - p + ki * d;
            if (i >= 0 && i < l) v += w.data[(oi * c + ci) * k + ki]! * x.data[(ni * c + ci) * l + i]!;
          }
        out.push(v);
      }
  return out;
}

describe('Conv2d / ConvTranspose2d layers', () => {
  it('store weights as PyTorch does', () => {
    const rng = new Rng(1);
    const conv = new Conv2d(3, 8, [3, 5], rng, { stride: 2 });
    const deconv = new ConvTranspose2d(8, 3, 3, rng);
    expect(conv.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`)).toEqual(['weight:8x3x3x5', 'bias:8']);
    expect(deconv.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`)).toEqual(['weight:8x3x3x3', 'bias:3']);
    expect(new Conv2d(1, 2, 3, rng, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
  });

  it.each([
    ['stride 1', { stride: 1, padding: 0, dilation: 1 }],
    ['stride 2 pad 1', { stride: 2, padding: 1, dilation: 1 }],
    ['dilation 2', { stride: 1, padding: 2, dilation: 2 }],
  ])('Conv2d gradients match finite differences (%s)', (_n, options) => {
    const conv = new Conv2d(2, 3, 3, new Rng(2), options);
    const r = gradcheck(([x]) => project(conv.forward(x!)), [input([2, 2, 6, 5]), conv.weight, conv.bias!]);
    expect(r.ok, r.message).toBe(true);
  });

  it.each([
    ['stride 1', { stride: 1, padding: 0, dilation: 1, outputPadding: 0 }],
    ['stride 2 pad 1 op 1', { stride: 2, padding: 1, dilation: 1, outputPadding: 1 }],
    ['dilation 2', { stride: 1, padding: 1, dilation: 2, outputPadding: 0 }],
  ])('ConvTranspose2d gradients match finite differences (%s)', (_n, options) => {
    const deconv = new ConvTranspose2d(3, 2, 3, new Rng(4), options);
    const r = gradcheck(([x]) => project(deconv.forward(x!)), [input([2, 3, 3, 4]), deconv.weight, deconv.bias!]);
    expect(r.ok, r.message).toBe(true);
  });

  it.each([
    ['Conv2d', (): Conv2d | ConvTranspose2d => new Conv2d(2, 3, 3, new Rng(7), { stride: 2, padding: 1 }), [2, 2, 6, 5]],
    [
      'ConvTranspose2d',
      (): Conv2d | ConvTranspose2d => new ConvTranspose2d(2, 3, 3, new Rng(8), { stride: 2, padding: 1, outputPadding: 1 }),
      [2, 2, 3, 4],
    ],
  ] as const)('%s followed by an activation in a Sequential runs fused, with the unfused values and gradients', (_n, make, shape) => {
    for (const act of ['relu', 'tanh', 'leakyRelu'] as const) {
      const layer = make();
      const x = input([...shape]);
      clearTape();
      const fused = new Sequential([layer, new Activation(act)]).forward(x);
      // One bias + activation op instead of the bias inside the convolution and an activation op.
      expect(takeTape().map((node) => node.op)).toEqual([layer instanceof Conv2d ? 'conv2d' : 'convTranspose2d', 'channelActivation']);
      const plain = new Activation(act).forward(layer.forward(x));
      expectAllClose(fused.data, plain.data, 1e-6, 1e-6);
      const grads = (y: Tensor): Float32Array[] => {
        for (const t of [x, layer.weight, layer.bias!]) t.grad = null;
        backward(project(y));
        return [x.grad!.data.slice(), layer.weight.grad!.data.slice(), layer.bias!.grad!.data.slice()];
      };
      const fusedGrads = grads(new Sequential([layer, new Activation(act)]).forward(x));
      const plainGrads = grads(new Activation(act).forward(layer.forward(x)));
      fusedGrads.forEach((g, i) => expectAllClose(g, plainGrads[i]!, 1e-5, 1e-5));
    }
  });
});

describe('Conv1d / ConvTranspose1d layers', () => {
  it('store weights [out, in, k] and [in, out, k]', () => {
    const rng = new Rng(1);
    expect(new Conv1d(2, 5, 3, rng).weight.shape).toEqual([5, 2, 3]);
    expect(new ConvTranspose1d(5, 2, 3, rng).weight.shape).toEqual([5, 2, 3]);
  });

  it.each([
    [1, 0, 1],
    [2, 1, 1],
    [1, 2, 2],
  ])('Conv1d matches a direct convolution (stride %i, padding %i, dilation %i)', (stride, padding, dilation) => {
    const conv = new Conv1d(2, 3, 3, new Rng(6), { stride, padding, dilation });
    conv.bias!.data.set([0.1, -0.2, 0.3]);
    const x = input([2, 2, 9]);
    const y = conv.forward(x);
    const outL = Math.floor((9 + 2 * padding - dilation * 2 - 1) / stride) + 1;
    expect(y.shape).toEqual([2, 3, outL]);
    expectAllClose(y.data, directConv1d(x, conv.weight, conv.bias!, stride, padding, dilation), 1e-5, 1e-5);
  });

  it('Conv1d and ConvTranspose1d gradients reach the 3-D weights', () => {
    const conv = new Conv1d(2, 3, 3, new Rng(7), { stride: 2, padding: 1 });
    const r1 = gradcheck(([x]) => project(conv.forward(x!)), [input([2, 2, 8]), conv.weight, conv.bias!]);
    expect(r1.ok, r1.message).toBe(true);
    const deconv = new ConvTranspose1d(3, 2, 3, new Rng(8), { stride: 2, padding: 1, outputPadding: 1 });
    const y = deconv.forward(Tensor.zeros([1, 3, 4]));
    expect(y.shape).toEqual([1, 2, 8]);
    const r2 = gradcheck(([x]) => project(deconv.forward(x!)), [input([2, 3, 4]), deconv.weight, deconv.bias!]);
    expect(r2.ok, r2.message).toBe(true);
  });

  it('rejects input that is not [batch, channels, length]', () => {
    expect(() => new Conv1d(1, 1, 3, new Rng(1)).forward(Tensor.zeros([2, 8]))).toThrow(/must be 3-D \[batch, channels, length\]/);
  });
});

describe('Flatten, Reshape and RowSequential', () => {
  it('Flatten and Reshape are inverse views with gradients', () => {
    const x = input([2, 3, 2, 2]);
    const flat = new Flatten().forward(x);
    expect(flat.shape).toEqual([2, 12]);
    expect(new Reshape([3, 4]).forward(flat).shape).toEqual([2, 3, 4]);
    const r = gradcheck(([a]) => project(new Reshape([3, 2, 2]).forward(new Flatten().forward(a!))), [x]);
    expect(r.ok, r.message).toBe(true);
    expect(() => new Reshape([5, 5]).forward(flat)).toThrow(/cannot be viewed as \[5, 5\]/);
  });

  it('RowSequential takes and returns rows and names children like torch.nn.Sequential', () => {
    const rng = new Rng(9);
    const net = new RowSequential(
      [new Conv2d(1, 2, 3, rng, { padding: 1 }), new Activation('relu'), new Flatten(), new Linear(2 * 4 * 4, 3, rng)],
      [1, 4, 4],
    );
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    const y = net.forward(Tensor.uniform([5, 16], rng, 0, 1));
    expect(y.shape).toEqual([5, 3]);
    expect(() => net.forward(Tensor.zeros([5, 15]))).toThrow(/rows have 15 values, the network expects 16/);
  });
});
