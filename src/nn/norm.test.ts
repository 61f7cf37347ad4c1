import { describe, expect, it } from 'vitest';
import { gradcheck, ops, Tensor } from '../autograd/index.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './index.js';

const project = (y: Tensor): Tensor => ops.sum(ops.mul(y, Tensor.uniform(y.shape, new Rng(5), -1, 1)));
const input = (shape: number[], seed = 3): Tensor => Tensor.uniform(shape, new Rng(seed), -2, 2, { requiresGrad: true });

/** Normalise `values` by their biased mean/variance. */
function normalise(values: number[], eps = 1e-5): number[] {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length;
  return values.map((x) => (x - m) / Math.sqrt(v + eps));
}

describe('BatchNorm1d', () => {
  it('normalises each feature over the batch and tracks running stats as PyTorch', () => {
    const bn = new BatchNorm1d(2);
    expect([...bn.stateDict().keys()]).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    const x = Tensor.from([1, 10, 2, 20, 3, 30, 6, 40], [4, 2]);
    const y = bn.forward(x);
    const col0 = normalise([1, 2, 3, 6]);
    const col1 = normalise([10, 20, 30, 40]);
    expectAllClose(y.data, [col0[0]!, col1[0]!, col0[1]!, col1[1]!, col0[2]!, col1[2]!, col0[3]!, col1[3]!], 1e-5, 1e-4);
    // running_mean = 0.9·0 + 0.1·mean; running_var = 0.9·1 + 0.1·unbiased var.
    expectAllClose(bn.runningMean.data, [0.1 * 3, 0.1 * 25], 1e-6, 1e-5);
    expectAllClose(bn.runningVar.data, [0.9 + (0.1 * 14) / 3, 0.9 + (0.1 * 500) / 3], 1e-5, 1e-5);
    expect(bn.numBatchesTracked.item()).toBe(1);
  });

  it('uses running stats in eval mode', () => {
    const bn = new BatchNorm1d(1);
    bn.runningMean.data[0] = 2;
    bn.runningVar.data[0] = 4;
    bn.weight!.data[0] = 3;
    bn.bias!.data[0] = 1;
    bn.eval();
    expectAllClose(bn.forward(Tensor.from([2, 6], [2, 1])).data, [1, 3 * (4 / Math.sqrt(4 + 1e-5)) + 1], 1e-5, 1e-5);
  });

  it('gradients match finite differences', () => {
    const bn = new BatchNorm1d(3);
    bn.weight!.data.set([1.5, -0.5, 2]);
    const r = gradcheck(([x]) => project(bn.forward(x!)), [input([5, 3]), bn.weight!, bn.bias!]);
    expect(r.ok, r.message).toBe(true);
  });

  it('refuses a batch of one in training', () => {
    expect(() => new BatchNorm1d(2).forward(Tensor.zeros([1, 2]))).toThrow(/more than 1 value per feature, got a batch of 1/);
  });
});

describe('BatchNorm2d', () => {
  it('normalises each channel over batch and positions', () => {
    const bn = new BatchNorm2d(2);
    const x = input([3, 2, 2, 2]);
    const y = bn.forward(x);
    for (let c = 0; c < 2; c++) {
      const idx: number[] = [];
      for (let n = 0; n < 3; n++) for (let i = 0; i < 4; i++) idx.push((n * 2 + c) * 4 + i);
      const expected = normalise(idx.map((i) => x.data[i]!));
      expectAllClose(
        idx.map((i) => y.data[i]!),
        expected,
        1e-5,
        1e-4,
      );
    }
    expect(bn.numBatchesTracked.item()).toBe(1);
  });

  it('gradients match finite differences', () => {
    const bn = new BatchNorm2d(2);
    bn.weight!.data.set([1.5, -0.7]);
    bn.bias!.data.set([0.2, 0.1]);
    const r = gradcheck(([x]) => project(bn.forward(x!)), [input([2, 2, 3, 2]), bn.weight!, bn.bias!]);
    expect(r.ok, r.message).toBe(true);
  });
});

describe('LayerNorm', () => {
  it('normalises each sample over its features', () => {
    const ln = new LayerNorm(4);
    const y = ln.forward(Tensor.from([1, 2, 3, 4, -1, 0, 0, 5], [2, 4]));
    expectAllClose(y.data, [...normalise([1, 2, 3, 4]), ...normalise([-1, 0, 0, 5])], 1e-5, 1e-4);
    expect(() => ln.forward(Tensor.zeros([2, 3]))).toThrow(/does not end in \[4\]/);
  });

  it('gradients match finite differences', () => {
    const ln = new LayerNorm([2, 3]);
    ln.weight!.data.set([1, 2, -1, 0.5, 1.5, 1]);
    const r = gradcheck(([x]) => project(ln.forward(x!)), [input([3, 2, 3]), ln.weight!, ln.bias!]);
    expect(r.ok, r.message).toBe(true);
  });
});
