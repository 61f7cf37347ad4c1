import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { Rng } from '../tensor/rng.js';
import { backward, gradcheck, noGrad, ops, scope, tapeLength, Tensor } from './index.js';

const rng = new Rng(7);
const param = (shape: number[], lo = -1, hi = 1): Tensor => Tensor.uniform(shape, rng, lo, hi, { requiresGrad: true });
const positive = (shape: number[]): Tensor => Tensor.uniform(shape, rng, 0.5, 2, { requiresGrad: true });
/** A random linear functional, so every output entry contributes a distinct weight. */
function project(y: Tensor): Tensor {
  const weights = Tensor.uniform(y.shape, new Rng(99), -1, 1);
  return ops.sum(ops.mul(y, weights));
}

const cases: Array<[string, () => Tensor[], (x: Tensor[]) => Tensor]> = [
  ['matmul', () => [param([3, 4]), param([4, 5])], ([a, b]) => project(ops.matmul(a!, b!))],
  ['matmul Aᵀ', () => [param([4, 3]), param([4, 5])], ([a, b]) => project(ops.matmul(a!, b!, true, false))],
  ['matmul Bᵀ', () => [param([3, 4]), param([5, 4])], ([a, b]) => project(ops.matmul(a!, b!, false, true))],
  ['matmul AᵀBᵀ', () => [param([4, 3]), param([5, 4])], ([a, b]) => project(ops.matmul(a!, b!, true, true))],
  ['linear relu', () => [param([4, 3]), param([5, 3]), param([5])], ([x, w, b]) => project(ops.linear(x!, w!, b!, 'relu'))],
  ['linear no bias', () => [param([4, 3]), param([5, 3])], ([x, w]) => project(ops.linear(x!, w!, null, 'tanh'))],
  ['linear identity', () => [param([4, 3]), param([5, 3]), param([5])], ([x, w, b]) => project(ops.linear(x!, w!, b!))],
  ['add', () => [param([2, 3]), param([2, 3])], ([a, b]) => project(ops.add(a!, b!))],
  ['sub', () => [param([2, 3]), param([2, 3])], ([a, b]) => project(ops.sub(a!, b!))],
  ['mul', () => [param([2, 3]), param([2, 3])], ([a, b]) => project(ops.mul(a!, b!))],
  ['div', () => [param([2, 3]), positive([2, 3])], ([a, b]) => project(ops.div(a!, b!))],
  ['affine', () => [param([2, 3])], ([a]) => project(ops.affine(a!, -1.5, 0.3))],
  ['exp', () => [param([2, 3])], ([a]) => project(ops.exp(a!))],
  ['log', () => [positive([2, 3])], ([a]) => project(ops.log(a!))],
  ['square', () => [param([2, 3])], ([a]) => project(ops.square(a!))],
  ['abs', () => [param([2, 3])], ([a]) => project(ops.abs(a!))],
  ['neg', () => [param([2, 3])], ([a]) => project(ops.unary('neg', a!))],
  ['sqrt', () => [positive([2, 3])], ([a]) => project(ops.unary('sqrt', a!))],
  ['reciprocal', () => [positive([2, 3])], ([a]) => project(ops.unary('reciprocal', a!))],
  ['sum', () => [param([2, 3])], ([a]) => ops.sum(ops.square(a!))],
  ['mean', () => [param([2, 3])], ([a]) => ops.mean(ops.square(a!))],
  ['sumCols', () => [param([3, 4])], ([a]) => project(ops.sumCols(a!))],
  ['addRow', () => [param([3, 4]), param([4])], ([a, v]) => project(ops.addRow(a!, v!))],
  ['mulRow', () => [param([3, 4]), param([4])], ([a, v]) => project(ops.mulRow(a!, v!))],
  ['bceWithLogits', () => [param([3, 4], -3, 3), Tensor.uniform([3, 4], rng, 0, 1)], ([z, t]) => ops.sum(ops.bceWithLogits(z!, t!))],
  ['bceWithLogitsMean', () => [param([3, 4], -3, 3), Tensor.uniform([3, 4], rng, 0, 1)], ([z, t]) => ops.bceWithLogitsMean(z!, t!)],
  // An upstream gradient other than 1 takes the scaling branch of the rule.
  [
    'bceWithLogitsMean scaled',
    () => [param([3, 4], -3, 3), Tensor.uniform([3, 4], rng, 0, 1)],
    ([z, t]) => ops.scale(ops.bceWithLogitsMean(z!, t!), -2.5),
  ],
  ['reshape', () => [param([3, 4])], ([a]) => project(ops.reshape(a!, [2, 6]))],
  ...ACTIVATIONS.map((act): [string, () => Tensor[], (x: Tensor[]) => Tensor] => [
    `activation ${act}`,
    // Keep inputs away from the kinks of relu-like functions, where differences are meaningless.
    () => [Tensor.from([-1.3, -0.6, -0.2, 0.25, 0.7, 1.9], [2, 3], { requiresGrad: true })],
    ([a]) => project(ops.activation(a!, act, 0.1)),
  ]),
];

describe('gradients match finite differences', () => {
  it.each(cases)('%s', (_name, make, f) => {
    const result = gradcheck(f, make());
    expect(result.ok, result.message).toBe(true);
  });
});

describe('tape and memory', () => {
  it('noGrad records nothing', () => {
    const a = param([2, 2]);
    noGrad(() => ops.square(a));
    expect(tapeLength()).toBe(0);
  });

  it('scope releases intermediates and keeps the result', () => {
    const a = param([4, 4]);
    const before = a.backend.liveBuffers();
    const kept = scope(() => {
      const y = ops.square(ops.exp(a));
      backward(ops.sum(y));
      return ops.sum(y);
    });
    expect(kept.item()).toBeGreaterThan(0);
    // Only the kept scalar and a's persistent gradient remain.
    expect(a.backend.liveBuffers() - before).toBe(2);
  });

  it('accumulates gradients of a tensor used twice', () => {
    const a = Tensor.from([3], [1], { requiresGrad: true });
    scope(() => backward(ops.sum(ops.mul(a, a))));
    expect(a.grad!.item()).toBeCloseTo(6);
  });

  it('bceWithLogitsMean equals the mean of bceWithLogits, value and gradient', () => {
    const z = param([5, 7], -6, 6);
    const t = Tensor.uniform([5, 7], rng, 0, 1);
    const fused = scope(() => {
      const loss = ops.bceWithLogitsMean(z, t);
      backward(loss);
      return loss.item();
    });
    const fusedGrad = z.grad!.toArray();
    z.grad = null;
    const plain = scope(() => {
      const loss = ops.mean(ops.bceWithLogits(z, t));
      backward(loss);
      return loss.item();
    });
    expect(fused).toBeCloseTo(plain, 6);
    const plainGrad = z.grad!.toArray();
    fusedGrad.forEach((g, i) => expect(g).toBeCloseTo(plainGrad[i]!, 7));
    // Without grad it records nothing.
    noGrad(() => ops.bceWithLogitsMean(z, t));
    expect(tapeLength()).toBe(0);
    expect(() => ops.bceWithLogitsMean(z, Tensor.zeros([7, 5]))).toThrow(/bceWithLogitsMean: shapes \[5, 7\] and \[7, 5\] differ/);
  });

  it("a parameter's first gradient becomes its .grad without a copy", () => {
    const backend = getBackend();
    const x = Tensor.uniform([6, 40], rng, -1, 1);
    const w = param([30, 40]);
    const b = param([30]);
    const original = backend.alloc.bind(backend);
    let weightSized = 0;
    backend.alloc = (length, uninitialized) => {
      if (length === w.size) weightSized++;
      return original(length, uninitialized);
    };
    try {
      scope(() => backward(ops.sum(ops.linear(x, w, b, 'relu'))));
    } finally {
      backend.alloc = original;
    }
    // The rule's dW is the only weight-sized buffer: it was taken over, not copied into another.
    expect(weightSized).toBe(1);
    expect(w.grad!.isPersistent).toBe(true);
    expect(w.grad!.released).toBe(false);
  });

  it("a linear layer's weight gradient reuses the input's non-zero count from the forward product, and takes weights as dense", () => {
    const backend = getBackend();
    const x = Tensor.uniform([6, 40], rng, -1, 1, { requiresGrad: true });
    const w = param([30, 40]);
    const original = backend.gemm.bind(backend);
    const seen: Array<{ m: number; n: number; k: number; a: number | undefined; b: number | undefined }> = [];
    backend.gemm = (args) => {
      // A backend that counts A writes its count back; 17 stands for one it took.
      if (seen.length === 0 && args.nonZeros) args.nonZeros.a = 17;
      seen.push({ m: args.m, n: args.n, k: args.k, a: args.nonZeros?.a, b: args.nonZeros?.b });
      original(args);
    };
    try {
      scope(() => backward(ops.sum(ops.linear(x, w, null, 'relu'))));
    } finally {
      backend.gemm = original;
    }
    const [forward, ...gradients] = seen;
    expect(forward).toEqual({ m: 6, n: 30, k: 40, a: 17, b: undefined });
    // dX = dY · W: W taken as dense; dW = dYᵀ · X: X's count from the forward product.
    expect(gradients).toContainEqual({ m: 6, n: 40, k: 30, a: undefined, b: w.size });
    expect(gradients).toContainEqual({ m: 30, n: 40, k: 6, a: undefined, b: 17 });
  });

  it('an identity linear layer passes dy on as its pre-activation gradient, without a copy', () => {
    const backend = getBackend();
    const x = param([6, 40]);
    const w = param([30, 40]);
    const b = param([30]);
    const original = backend.alloc.bind(backend);
    let outputSized = 0;
    let counting = false;
    backend.alloc = (length, uninitialized) => {
      if (counting && length === 6 * 30) outputSized++;
      return original(length, uninitialized);
    };
    try {
      scope(() => {
        const loss = project(ops.linear(x, w, b));
        counting = true;
        backward(loss);
      });
    } finally {
      backend.alloc = original;
    }
    // The projection's two (the broadcast gradient of its sum, that of its product); a copy of
    // dy as the pre-activation gradient would be a third.
    expect(outputSized).toBe(2);
    // dbias is the column sums of dy.
    const dy = Tensor.uniform([6, 30], new Rng(99), -1, 1).toArray();
    const sums = Array.from({ length: 30 }, (_, c) => dy.filter((_, i) => i % 30 === c).reduce((p, q) => p + q, 0));
    b.grad!.toArray().forEach((g, c) => expect(g).toBeCloseTo(sums[c]!, 5));
  });

  it('a gradient passed through to two leaves is copied, so each accumulates on its own', () => {
    const a = Tensor.from([1, 2], [2], { requiresGrad: true });
    const b = Tensor.from([3, 4], [2], { requiresGrad: true });
    // add passes dy to both inputs: neither may take it over, or b's .grad would be a's.
    scope(() => backward(ops.sum(ops.mul(ops.add(a, b), ops.add(a, a)))));
    // d/da of (a + b)·2a = 2a + 2(a + b) = 4a + 2b; d/db = 2a.
    expect([...a.grad!.toArray()]).toEqual([10, 16]);
    expect([...b.grad!.toArray()]).toEqual([2, 4]);
    expect(a.grad).not.toBe(b.grad);
  });

  it('names both shapes on a mismatch', () => {
    expect(() => ops.add(Tensor.zeros([2, 3]), Tensor.zeros([3, 2]))).toThrow(/\[2, 3\] and \[3, 2\]/);
    expect(() => ops.matmul(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]))).toThrow(/inner sizes differ/);
  });
});
