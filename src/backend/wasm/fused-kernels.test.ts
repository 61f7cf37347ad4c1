/**
 * Conformance of the fused training kernels against the reference backend, on 1 and 2 threads of
 * each kernel build: the mean-BCE loss and gradient in one pass (bceLogitsGrad), Adam over many
 * parameters in one job (adamGroup), and bias + activation writing the pre-activation in the same
 * pass. Shapes are random (seeded), with
 * lengths around the SIMD width and the 16-wide unrolled pass, and long enough to be split across
 * threads; every thread count of one build must give the same bits.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { ACTIVATIONS } from '../backend.js';
import { ELEMENTWISE, expectAllClose } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';
import type { WasmBackend } from './wasm-backend.js';

const builds = await wasmBackends();
const SPECIALS = [0, -0, Infinity, -Infinity, 1e-40, -1e-40, 88.8, -88.8, 100, -100, 1e-8, -1e-8, 0.5, -0.5];
const ALPHA: Record<string, number> = { leakyRelu: 0.1, elu: 0.7 };

/** Random lengths: the SIMD edges (1–40) and a few above the threading threshold. */
function randomLengths(rng: Rng): number[] {
  const lengths = [1, 3, 4, 15, 16, 17, 33];
  for (let i = 0; i < 6; i++) lengths.push(1 + Math.floor(rng.uniform() * 40));
  for (let i = 0; i < 3; i++) lengths.push(20_000 + Math.floor(rng.uniform() * 90_000));
  return lengths;
}

/** Random [rows, cols] shapes, including odd column counts (vector tails) and large ones. */
function randomShapes(rng: Rng): [number, number][] {
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [128, 784],
    // Threaded even for cheap activations (from 2^18 elements).
    [513, 512],
  ];
  for (let i = 0; i < 6; i++) shapes.push([1 + Math.floor(rng.uniform() * 200), 1 + Math.floor(rng.uniform() * 300)]);
  return shapes;
}

/** The loss sum and gradient of bceLogitsGrad on `backend`, from copies of `z` and `t`. */
function bceOn(backend: WasmBackend, z: Float32Array, t: Float32Array, scale: number, withGrad: boolean): [number, Float32Array] {
  const zw = onBackend(backend, z);
  const tw = onBackend(backend, t);
  const grad = withGrad ? backend.alloc(z.length) : null;
  const total = backend.bceLogitsGrad(zw, tw, scale, grad);
  const out = grad ? grad.slice() : new Float32Array(0);
  for (const view of [zw, tw, ...(grad ? [grad] : [])]) backend.release(view);
  return [total, out];
}

describe.each(HOST_VARIANTS)('%s fused training kernels', (variant) => {
  const backends = builds.get(variant)!;

  it('bceLogitsGrad: the summed loss and (sigmoid(z) − t)·scale match the reference, the same bits on 1 and 2 threads', () => {
    const rng = new Rng(11);
    for (const n of randomLengths(rng)) {
      const z = randomArray(rng, n, -30, 30);
      z.set(SPECIALS.slice(0, n));
      const t = randomArray(rng, n, 0, 1);
      const scale = 1 / n;
      const expectedGrad = new Float32Array(n);
      const expectedLoss = oracle.bceLogitsGrad(z, t, scale, expectedGrad);
      const terms = new Float32Array(n);
      oracle.bceLogits(z, t, terms);
      const lossFromTerms = oracle.sum(terms);
      let firstGrad: Float32Array | null = null;
      for (const [threads, backend] of backends) {
        const [loss, grad] = bceOn(backend, z, t, scale, true);
        // An infinite logit makes the loss NaN (∞ − ∞·t) in both, as in bceLogits.
        expectAllClose([loss], [expectedLoss], { rtol: 1e-5, atol: 1e-6 }, `${variant} loss n=${n} threads=${threads}`);
        expectAllClose([loss], [lossFromTerms], { rtol: 1e-5, atol: 1e-6 }, `${variant} loss against Σ bceLogits n=${n}`);
        // sigmoid(z) − t cancels where they are close: compare on the scale of the gradient.
        expectAllClose(grad, expectedGrad, { rtol: 1e-5, atol: 1e-6 * scale }, `${variant} grad n=${n} threads=${threads}`);
        if (firstGrad) expect(grad.every((g, i) => Object.is(g, firstGrad![i]))).toBe(true);
        firstGrad = grad;
        // Without a gradient array the loss is the same.
        const [lossOnly] = bceOn(backend, z, t, scale, false);
        expect(lossOnly).toBe(loss);
      }
    }
  });

  it('bceLogitsGrad may write the gradient over z', () => {
    const rng = new Rng(12);
    const z = randomArray(rng, 1003, -8, 8);
    const t = randomArray(rng, 1003, 0, 1);
    const expected = new Float32Array(z.length);
    oracle.bceLogitsGrad(z, t, 0.5, expected);
    for (const backend of backends.values()) {
      const zw = onBackend(backend, z);
      const tw = onBackend(backend, t);
      backend.bceLogitsGrad(zw, tw, 0.5, zw);
      expectAllClose(zw, expected, { rtol: 1e-5, atol: 1e-6 }, 'grad over z');
      backend.release(zw);
      backend.release(tw);
    }
  });

  it('bceLogitsGrad names the short array', () => {
    const backend = backends.get(1)!;
    const z = backend.alloc(8);
    const t = backend.alloc(4);
    expect(() => backend.bceLogitsGrad(z, t, 1, null)).toThrow(/bceLogitsGrad t holds 4 floats, the kernel needs 8/);
    backend.release(z);
    backend.release(t);
  });

  // With and without weight decay, in both of its forms.
  it.each([
    [false, 0.05],
    [true, 0.05],
    [false, 0],
  ])('adamGroup equals adam per parameter, bit for bit, on 1 and 2 threads (decoupled: %s, weight decay %s)', (decoupled, weightDecay) => {
    const rng = new Rng(decoupled ? 21 : weightDecay === 0 ? 23 : 22);
    // Lengths that are not multiples of 4 or 16 put vector tails inside the group.
    const lengths = [1, 5, 16, 33, 1000, 70_003, ...Array.from({ length: 4 }, () => 1 + Math.floor(rng.uniform() * 5000))];
    const params = lengths.map((n) => [
      randomArray(rng, n, -1, 1),
      randomArray(rng, n, -1, 1),
      randomArray(rng, n, -0.1, 0.1),
      randomArray(rng, n, 0, 0.01),
    ]);
    const args = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupled, step: 3 };
    for (const [threads, backend] of backends) {
      const single = params.map((arrays) => arrays.map((a) => onBackend(backend, a)));
      for (const [p, g, m, v] of single) backend.adam(p!, g!, m!, v!, args);
      const grouped = params.map((arrays) => arrays.map((a) => onBackend(backend, a)));
      backend.adamGroup(
        grouped.map(([param, grad, m, v]) => ({ param: param!, grad: grad!, m: m!, v: v! })),
        args,
      );
      grouped.forEach((arrays, i) => {
        for (const j of [0, 2, 3]) {
          const same = arrays[j]!.every((x, k) => Object.is(x, single[i]![j]![k]));
          expect(same, `parameter ${i} (n=${lengths[i]}) array ${j} on ${threads} thread(s)`).toBe(true);
        }
        // The oracle agrees within float32 tolerance.
        const [p, g, m, v] = params[i]!.map((a) => a.slice());
        oracle.adam(p!, g!, m!, v!, args);
        expectAllClose(arrays[0]!, p!, ELEMENTWISE, `adamGroup param ${i}`);
        expectAllClose(arrays[2]!, m!, ELEMENTWISE, `adamGroup m ${i}`);
        expectAllClose(arrays[3]!, v!, ELEMENTWISE, `adamGroup v ${i}`);
      });
      for (const arrays of [...single, ...grouped]) for (const a of arrays) backend.release(a);
    }
  });

  it('adamGroup names a short moment array and leaves nothing allocated', () => {
    const backend = backends.get(2)!;
    const before = backend.liveBuffers();
    const [p, g, m, v] = [8, 8, 8, 4].map((n) => backend.alloc(n));
    expect(() =>
      backend.adamGroup([{ param: p!, grad: g!, m: m!, v: v! }], {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        decoupled: false,
        step: 1,
      }),
    ).toThrow(/adam v holds 4 floats, the kernel needs 8/);
    for (const a of [p, g, m, v]) backend.release(a!);
    expect(backend.liveBuffers()).toBe(before);
    backend.adamGroup([], { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
  });

  it.each(ACTIVATIONS)('biasActivation %s writes x + bias to pre in the same pass, also in place over x', (act) => {
    const alpha = ALPHA[act] ?? 0;
    const rng = new Rng(act.length * 101);
    for (const [rows, cols] of randomShapes(rng)) {
      const n = rows * cols;
      const x = randomArray(rng, n, -8, 8);
      x.set(SPECIALS.slice(0, n));
      const bias = randomArray(rng, cols, -1, 1);
      const expectedOut = new Float32Array(n);
      const expectedPre = new Float32Array(n);
      oracle.biasActivation(x, bias, rows, cols, act, alpha, expectedOut, expectedPre);
      // pre is exactly x + bias in float32.
      expect(expectedPre).toEqual(x.map((v, i) => v + bias[i % cols]!));
      let first: Float32Array | null = null;
      for (const [threads, backend] of backends) {
        const xw = onBackend(backend, x);
        const bw = onBackend(backend, bias);
        const out = backend.alloc(n);
        // pre over x: the linear layer keeps its pre-activation in the GEMM output this way.
        backend.biasActivation(xw, bw, rows, cols, act, alpha, out, xw);
        expect(
          xw.every((v, i) => Object.is(v, expectedPre[i])),
          `${act} pre ${rows}×${cols} threads=${threads}`,
        ).toBe(true);
        expectAllClose(out, expectedOut, ELEMENTWISE, `${act} out ${rows}×${cols} threads=${threads}`);
        const got = out.slice();
        if (first)
          expect(
            got.every((v, i) => Object.is(v, first![i])),
            `${act} same bits on ${threads} threads`,
          ).toBe(true);
        first = got;
        for (const view of [xw, bw, out]) backend.release(view);
      }
    }
  });

  it('biasActivation names a short pre array', () => {
    const backend = backends.get(1)!;
    const x = backend.alloc(12);
    const out = backend.alloc(12);
    const pre = backend.alloc(6);
    expect(() => backend.biasActivation(x, null, 3, 4, 'relu', 0, out, pre)).toThrow(/biasActivation pre holds 6 floats/);
    for (const view of [x, out, pre]) backend.release(view);
  });
});
