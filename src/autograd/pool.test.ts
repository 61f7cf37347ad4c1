import { describe, expect, it } from 'vitest';
import { MaxPool2d, Upsample } from '../nn/pool.js';
import { Rng } from '../tensor/rng.js';
import { gradcheck, ops, Tensor } from './index.js';
import { poolOutSize } from './pool.js';

const project = (y: Tensor): Tensor => ops.sum(ops.mul(y, Tensor.uniform(y.shape, new Rng(3), -1, 1)));

/** Distinct values 0.1 apart in shuffled order: no near-ties, so finite differences see one winner per window. */
function spaced(shape: number[], seed: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_v, i) => (i - size / 2) * 0.1);
  const rng = new Rng(seed);
  for (let i = size - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return Tensor.from(values, shape, { requiresGrad: true });
}

describe('maxPool2d', () => {
  it('pools 2x2 windows of a batch (PyTorch values)', () => {
    const x = Tensor.from(
      [1, 2, 5, 0, 3, 4, 1, 6, 9, 8, 7, 7, 0, 1, 2, 3, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16],
      [2, 1, 4, 4],
    );
    const y = new MaxPool2d(2).forward(x);
    expect(y.shape).toEqual([2, 1, 2, 2]);
    expect([...y.data]).toEqual([4, 6, 9, 7, -1, -3, -9, -11]);
  });

  it('computes PyTorch output sizes, ceil mode included', () => {
    expect(poolOutSize(5, 2, 2, 0, 1, false)).toBe(2);
    expect(poolOutSize(5, 2, 2, 0, 1, true)).toBe(3);
    // The last ceil-mode window would start in the right padding: dropped, as in PyTorch.
    expect(poolOutSize(4, 2, 2, 1, 1, true)).toBe(3);
    expect(ops.maxPool2d(Tensor.zeros([1, 1, 5, 5]), 3, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
  });

  it.each([
    ['2x2 stride 2', 2, {}],
    ['3x3 stride 2 padding 1', 3, { stride: 2, padding: 1 }],
    ['overlapping 2x2 stride 1 dilation 2', 2, { stride: 1, dilation: 2 }],
    ['ceil mode', 2, { ceilMode: true }],
  ] as const)('gradients match finite differences (%s)', (_name, k, options) => {
    const x = spaced([2, 2, 5, 5], 7);
    const r = gradcheck(([a]) => project(ops.maxPool2d(a!, k, options)), [x], { maxChecks: 100 });
    expect(r.ok, r.message).toBe(true);
  });

  it('rejects padding above half the kernel and non-4-D input', () => {
    expect(() => ops.maxPool2d(Tensor.zeros([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(/at most half the kernel/);
    expect(() => ops.maxPool2d(Tensor.zeros([4, 4]), 2)).toThrow(/must be 4-D/);
  });
});

describe('upsample2d', () => {
  it('nearest ×2 repeats each pixel over a 2x2 block, per channel', () => {
    const y = new Upsample(2).forward(Tensor.from([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]));
    expect(y.shape).toEqual([1, 2, 4, 4]);
    expect([...y.data.subarray(16)]).toEqual([5, 5, 6, 6, 5, 5, 6, 6, 7, 7, 8, 8, 7, 7, 8, 8]);
  });

  it('bilinear matches PyTorch (align_corners=False)', () => {
    const y = new Upsample(2, { mode: 'bilinear' }).forward(Tensor.from([1, 2, 3, 4], [1, 1, 2, 2]));
    expect([...y.data]).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
  });

  it.each([
    ['nearest ×2', 2, {}],
    ['nearest ×3,×2', [3, 2], {}],
    ['bilinear ×2', 2, { mode: 'bilinear' }],
    ['bilinear ×2 align corners', 2, { mode: 'bilinear', alignCorners: true }],
    ['bilinear ×1.5', 1.5, { mode: 'bilinear' }],
  ] as const)('gradients match finite differences (%s)', (_name, scale, options) => {
    const x = Tensor.uniform([2, 2, 3, 4], new Rng(5), -1, 1, { requiresGrad: true });
    const r = gradcheck(([a]) => project(ops.upsample2d(a!, scale, options)), [x], { maxChecks: 48 });
    expect(r.ok, r.message).toBe(true);
  });

  it('rejects a non-positive scale', () => {
    expect(() => ops.upsample2d(Tensor.zeros([1, 1, 2, 2]), 0)).toThrow(/positive number/);
  });
});
