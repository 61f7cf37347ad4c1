import { describe, expect, it } from 'vitest';
import { gradcheck, ops, scope, Tensor } from '../autograd/index.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { Activation, Dropout, GaussianNoise, Linear, parseActivation, Sequential } from './index.js';

const project = (y: Tensor): Tensor => ops.sum(ops.mul(y, Tensor.uniform(y.shape, new Rng(5), -1, 1)));

describe('Linear', () => {
  it('stores weight [out, in] and computes x·Wᵀ + b', () => {
    const layer = new Linear(3, 2, new Rng(1));
    expect(layer.weight.shape).toEqual([2, 3]);
    layer.weight.data.set([1, 2, 3, 4, 5, 6]);
    layer.bias!.data.set([0.5, -0.5]);
    const y = layer.forward(Tensor.from([1, 0, -1], [1, 3]));
    expectAllClose(y.data, [1 - 3 + 0.5, 4 - 6 - 0.5]);
  });

  it('gradients of input, weight and bias match finite differences', () => {
    const layer = new Linear(4, 3, new Rng(2));
    const x = Tensor.uniform([5, 4], new Rng(3), -1, 1, { requiresGrad: true });
    const r = gradcheck(([input]) => project(layer.forward(input!)), [x, layer.weight, layer.bias!]);
    expect(r.ok, r.message).toBe(true);
  });
});

describe('Sequential', () => {
  it('names parameters like torch.nn.Sequential', () => {
    const rng = new Rng(1);
    const seq = new Sequential([new Linear(4, 3, rng), new Activation('relu'), new Linear(3, 2, rng)]);
    expect(seq.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`)).toEqual([
      '0.weight:3x4',
      '0.bias:3',
      '2.weight:2x3',
      '2.bias:2',
    ]);
  });

  it('fused Linear+activation equals the unfused composition', () => {
    const rng = new Rng(4);
    for (const act of ['relu', 'tanh', 'sigmoid', 'gelu', 'elu', 'leakyRelu'] as const) {
      const lin = new Linear(5, 4, rng);
      const x = Tensor.uniform([3, 5], rng, -2, 2);
      const fused = new Sequential([lin, new Activation(act)]).forward(x);
      const plain = new Activation(act).forward(lin.forward(x));
      expectAllClose(fused.data, plain.data, 1e-6, 1e-6);
    }
  });

  it('gradients through a small network match finite differences', () => {
    const rng = new Rng(6);
    const seq = new Sequential([new Linear(4, 6, rng), new Activation('tanh'), new Linear(6, 2, rng), new Activation('sigmoid')]);
    const x = Tensor.uniform([3, 4], rng, -1, 1, { requiresGrad: true });
    const r = gradcheck(([input]) => project(seq.forward(input!)), [x, ...seq.parameters()]);
    expect(r.ok, r.message).toBe(true);
  });

  it('loadStateDict names a missing or misshapen tensor', () => {
    const seq = new Sequential([new Linear(4, 3, new Rng(1))]);
    expect(() => seq.loadStateDict(new Map([['0.weight', { shape: [3, 4], data: new Float32Array(12) }]]), 'm.safetensors')).toThrow(
      /m.safetensors has no tensor "0.bias"/,
    );
    expect(() =>
      seq.loadStateDict(
        new Map([
          ['0.weight', { shape: [4, 3], data: new Float32Array(12) }],
          ['0.bias', { shape: [3], data: new Float32Array(3) }],
        ]),
      ),
    ).toThrow(/"0.weight" has shape \[4, 3\], the model expects \[3, 4\]/);
  });
});

describe('stochastic layers', () => {
  it('dropout zeroes about p of the units, rescales the rest, and is off in eval mode', () => {
    const drop = new Dropout(0.25, new Rng(9));
    const x = Tensor.full([100, 100], 1);
    const y = scope(() => drop.forward(x).toArray());
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.23);
    expect(zeros).toBeLessThan(0.27);
    expect(y.find((v) => v !== 0)).toBeCloseTo(1 / 0.75);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
  });

  it('the same seed gives the same dropout mask', () => {
    const a = new Dropout(0.5, new Rng(3)).forward(Tensor.full([50], 1)).toArray();
    const b = new Dropout(0.5, new Rng(3)).forward(Tensor.full([50], 1)).toArray();
    expect(a).toEqual(b);
  });

  it('gaussian noise has the requested spread', () => {
    const noise = new GaussianNoise(0.5, new Rng(2));
    const y = noise.forward(Tensor.zeros([10000])).toArray();
    const std = Math.sqrt(y.reduce((s, v) => s + v * v, 0) / y.length);
    expect(std).toBeGreaterThan(0.48);
    expect(std).toBeLessThan(0.52);
  });

  it('rejects a bad rate and an unknown activation name', () => {
    expect(() => new Dropout(1.5, new Rng(1))).toThrow(/outside \[0, 1\)/);
    expect(() => parseActivation('swish')).toThrow(/unknown activation "swish"/);
    expect(parseActivation('leaky_relu')).toBe('leakyRelu');
  });
});
