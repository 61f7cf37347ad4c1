import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../backend/backend.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { gradcheck, ops, Tensor } from './index.js';

const rng = new Rng(21);
const param = (shape: number[]): Tensor => Tensor.uniform(shape, rng, -1, 1, { requiresGrad: true });
const project = (y: Tensor): Tensor => ops.sum(ops.mul(y, Tensor.uniform(y.shape, new Rng(8), -1, 1)));

describe('channelActivation', () => {
  it.each(ACTIVATIONS)('equals a per-channel bias followed by %s', (act) => {
    const x = param([3, 4, 5, 2]);
    const b = param([4]);
    const y = ops.channelActivation(x, b, act, 0.2);
    const expected = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) expected[i] = x.data[i]! + b.data[Math.floor(i / 10) % 4]!;
    expectAllClose(y.data, ops.activation(Tensor.from(expected, x.shape), act, 0.2).data, 1e-6, 1e-6);
    // The input is left as it was (the pre-activation goes to its own buffer).
    expect(ops.channelActivation(x, null, act, 0.2).data).toEqual(ops.activation(x, act, 0.2).data);
  });

  it.each(['relu', 'tanh', 'sigmoid', 'elu', 'softplus'] as const)('gradients of x and bias match finite differences (%s)', (act) => {
    // Values away from ReLU's kink, where a finite difference would straddle it.
    const x = Tensor.from(
      Float32Array.from({ length: 2 * 3 * 7 }, (_, i) => (i % 2 === 0 ? 0.3 : -0.6) + 0.005 * i),
      [2, 3, 7],
      { requiresGrad: true },
    );
    const b = Tensor.from(new Float32Array([0.05, -0.02, 0.01]), [3], { requiresGrad: true });
    const r = gradcheck(([xi, bi]) => project(ops.channelActivation(xi!, bi!, act, 0.5)), [x, b]);
    expect(r.ok, r.message).toBe(true);
    const r2 = gradcheck(([xi]) => project(ops.channelActivation(xi!, null, act, 0.5)), [x]);
    expect(r2.ok, r2.message).toBe(true);
  });

  it('names the shapes when the bias does not match the channels', () => {
    expect(() => ops.channelActivation(Tensor.zeros([2, 3, 4]), Tensor.zeros([4]), 'relu')).toThrow(/bias must be \[3\].*got \[4\]/);
    expect(() => ops.channelActivation(Tensor.zeros([6]), null, 'relu')).toThrow(/x must be \[N, C, \.\.\.\]/);
  });
});
