/**
 * Conformance of a convolution's fused bias + activation (channelBiasActivation and its backward
 * channelActivationBackward; asm/channels.ts) against the reference backend, on both kernel
 * builds and 1 and 2 threads: every activation, random [batch, channels, plane] sizes around the
 * SIMD width (planes past a multiple of 4, W2's 7×7 and 14×14), with and without bias and `pre`,
 * the outputs written over their inputs. The bias gradient is the same bits as the activation
 * backward followed by the two separate sums it replaces, on any thread count.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { ACTIVATIONS } from '../backend.js';
import { ELEMENTWISE, expectAllClose } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, onBoth, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';

const builds = await wasmBackends();

interface Shape {
  readonly batch: number;
  readonly channels: number;
  readonly plane: number;
}

function shapes(): Shape[] {
  const rng = new Rng(77);
  const pick = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));
  const out: Shape[] = [
    { batch: 16, channels: 64, plane: 49 },
    { batch: 4, channels: 32, plane: 196 },
    { batch: 1, channels: 1, plane: 1 },
  ];
  for (let i = 0; i < 12; i++) out.push({ batch: pick(1, 9), channels: pick(1, 19), plane: pick(1, 70) });
  return out;
}

const ALPHA: Record<string, number> = { leakyRelu: 0.1, elu: 0.7 };

describe.each(HOST_VARIANTS)('%s conv bias + activation', (variant) => {
  const backends = builds.get(variant)!;

  describe.each([...backends.keys()])('on %i thread(s)', (threads) => {
    const backend = backends.get(threads)!;

    it.each(ACTIVATIONS)('channelBiasActivation %s: output and pre, with and without bias, in place', (act) => {
      const alpha = ALPHA[act] ?? 0;
      shapes().forEach((s, i) => {
        const rng = new Rng(300 + i);
        const size = s.batch * s.channels * s.plane;
        const x = randomArray(rng, size, -6, 6);
        const bias = randomArray(rng, s.channels);
        const what = `${act} ${JSON.stringify(s)}`;
        let [actual, expected] = onBoth(backend, [x, bias], size, (k, [v, b], out) =>
          k.channelBiasActivation(v!, b!, s.batch, s.channels, s.plane, act, alpha, out, null),
        );
        expectAllClose(actual, expected, ELEMENTWISE, `${what} with bias`);
        // pre written over x, as the contract allows.
        [actual, expected] = onBoth(backend, [x, bias], size, (k, [v, b], out) =>
          k.channelBiasActivation(v!, b!, s.batch, s.channels, s.plane, act, alpha, out, v!),
        );
        expectAllClose(actual, expected, ELEMENTWISE, `${what} with pre`);
        const [pre, preExpected] = onBoth(backend, [x, bias], size, (k, [v, b], out) =>
          k.channelBiasActivation(v!, b!, s.batch, s.channels, s.plane, act, alpha, v!, out),
        );
        expect(pre).toEqual(preExpected);
        [actual, expected] = onBoth(backend, [x], x, (k, [v], out) =>
          k.channelBiasActivation(v!, null, s.batch, s.channels, s.plane, act, alpha, out, null),
        );
        expectAllClose(actual, expected, ELEMENTWISE, `${what} without bias`);
      });
    });

    it.each(ACTIVATIONS)('channelActivationBackward %s: dx, and dbias as the two separate sums give it', (act) => {
      const alpha = ALPHA[act] ?? 0;
      shapes().forEach((s, i) => {
        const rng = new Rng(400 + i);
        const size = s.batch * s.channels * s.plane;
        const pre = randomArray(rng, size, -6, 6);
        const y = new Float32Array(size);
        oracle.biasActivation(pre, null, 1, size, act, alpha, y);
        const dy = randomArray(rng, size);
        const what = `${act} ${JSON.stringify(s)}`;
        const [dx, dxExpected] = onBoth(backend, [dy, pre, y], size, (k, [g, p, o], out) =>
          k.channelActivationBackward(g!, p!, o!, s.batch, s.channels, s.plane, act, alpha, out, null),
        );
        expectAllClose(dx, dxExpected, ELEMENTWISE, `${what} dx`);
        // dbias with dx written over dy; against the unfused kernels on the same backend, bit for bit.
        const [dbias, dbiasExpected] = onBoth(backend, [dy, pre, y], s.channels, (k, [g, p, o], out) =>
          k.channelActivationBackward(g!, p!, o!, s.batch, s.channels, s.plane, act, alpha, g!, out),
        );
        expectAllClose(dbias, dbiasExpected, { rtol: 1e-5, atol: 1e-5 * Math.sqrt(s.batch * s.plane) }, `${what} dbias`);
        const views = [dy, pre, y].map((v) => onBackend(backend, v));
        const [g, p, o] = views as [Float32Array, Float32Array, Float32Array];
        const masked = backend.alloc(size);
        const perPlane = backend.alloc(s.batch * s.channels);
        const unfused = backend.alloc(s.channels);
        backend.biasActivationBackward(g, p, o, 1, size, act, alpha, masked, null);
        backend.sumCols(masked, s.batch * s.channels, s.plane, perPlane);
        backend.sumRows(perPlane, s.batch, s.channels, unfused);
        expect(dbias, what).toEqual(unfused.slice());
        for (const view of [...views, masked, perPlane, unfused]) backend.release(view);
      });
    });

    it('rejects arrays too short for the shape', () => {
      const short = backend.alloc(3);
      const long = backend.alloc(8);
      expect(() => backend.channelBiasActivation(long, short, 2, 4, 1, 'relu', 0, long, null)).toThrow(/channelBiasActivation bias/);
      expect(() => backend.channelActivationBackward(long, long, long, 2, 4, 1, 'relu', 0, long, short)).toThrow(
        /channelActivationBackward dbias/,
      );
      for (const view of [short, long]) backend.release(view);
    });
  });
});
