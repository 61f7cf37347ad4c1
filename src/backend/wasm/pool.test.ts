/**
 * Conformance of the wasm pooling, upsampling and axis-swap kernels against the reference backend
 * on random geometries, 1 and 2 threads. The kernels follow the reference's float64 coordinate
 * maths and summation order, so results must agree exactly (NaN included).
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { upsampleSize, UPSAMPLE_MODES, type Conv2dGeometry } from '../backend.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';

const builds = await wasmBackends();

describe.each(HOST_VARIANTS)('%s kernels', (variant) => {
  const backends = builds.get(variant)!;

  function poolGeometries(count: number): Conv2dGeometry[] {
    const rng = new Rng(11);
    // A plain 2x2/2 pool over a batch of 64-channel 14x14 maps (big enough to be threaded).
    const out: Conv2dGeometry[] = [
      {
        channels: 256,
        height: 14,
        width: 14,
        kernelH: 2,
        kernelW: 2,
        strideH: 2,
        strideW: 2,
        padH: 0,
        padW: 0,
        dilationH: 1,
        dilationW: 1,
        outH: 7,
        outW: 7,
      },
    ];
    while (out.length < count) {
      const kernelH = 1 + rng.int(4);
      const kernelW = 1 + rng.int(4);
      const g = {
        channels: 1 + rng.int(5),
        height: 1 + rng.int(10),
        width: 1 + rng.int(10),
        kernelH,
        kernelW,
        strideH: 1 + rng.int(3),
        strideW: 1 + rng.int(3),
        padH: rng.int(Math.floor(kernelH / 2) + 1),
        padW: rng.int(Math.floor(kernelW / 2) + 1),
        dilationH: 1 + rng.int(2),
        dilationW: 1 + rng.int(2),
      };
      const outH = Math.floor((g.height + 2 * g.padH - g.dilationH * (g.kernelH - 1) - 1) / g.strideH) + 1;
      const outW = Math.floor((g.width + 2 * g.padW - g.dilationW * (g.kernelW - 1) - 1) / g.strideW) + 1;
      if (outH >= 1 && outW >= 1) out.push({ ...g, outH, outW });
    }
    return out;
  }

  describe.each([...backends.keys()])('wasm pooling kernels on %i thread(s)', (threads) => {
    const backend = backends.get(threads)!;

    it('maxPool2d and its backward match the reference on random geometries', () => {
      poolGeometries(40).forEach((g, i) => {
        const inSize = g.channels * g.height * g.width;
        const outSize = g.channels * g.outH * g.outW;
        const image = randomArray(new Rng(i), inSize);
        // Ties, −∞ and NaN exercise the selection rules.
        if (inSize > 4) image.set([0.5, 0.5, -Infinity, i % 2 ? NaN : 0.25]);
        const out = new Float32Array(outSize);
        const argmax = new Float32Array(outSize);
        oracle.maxPool2d(image, g, out, argmax);
        const wImage = onBackend(backend, image);
        const wOut = backend.alloc(outSize);
        const wArg = backend.alloc(outSize);
        backend.maxPool2d(wImage, g, wOut, wArg);
        const what = JSON.stringify(g);
        expect(wOut.slice(), what).toEqual(out);
        expect(wArg.slice(), what).toEqual(argmax);

        const dy = randomArray(new Rng(i + 100), outSize);
        const dx = new Float32Array(inSize).fill(7);
        oracle.maxPool2dBackward(dy, argmax, g, dx);
        const wDy = onBackend(backend, dy);
        const wDx = onBackend(backend, new Float32Array(inSize).fill(7));
        backend.maxPool2dBackward(wDy, wArg, g, wDx);
        expect(wDx.slice(), what).toEqual(dx);
        for (const v of [wImage, wOut, wArg, wDy, wDx]) backend.release(v);
      });
    });

    it.each(UPSAMPLE_MODES)('upsample2d (%s) and its backward match the reference', (mode) => {
      const rng = new Rng(5);
      const cases = [{ channels: 300, h: 7, w: 7, sh: 2, sw: 2 }];
      for (let i = 0; i < 30; i++) {
        const scales = [1, 2, 3, 1.5, 2.5, 0.5];
        cases.push({
          channels: 1 + rng.int(4),
          h: 1 + rng.int(9),
          w: 1 + rng.int(9),
          sh: scales[rng.int(scales.length)]!,
          sw: scales[rng.int(scales.length)]!,
        });
      }
      for (const c of cases) {
        const outH = upsampleSize(c.h, c.sh);
        const outW = upsampleSize(c.w, c.sw);
        if (outH < 1 || outW < 1) continue;
        for (const align of [false, true]) {
          const inSize = c.channels * c.h * c.w;
          const outSize = c.channels * outH * outW;
          const x = randomArray(new Rng(inSize), inSize);
          const expected = new Float32Array(outSize);
          oracle.upsample2d(x, c.channels, c.h, c.w, c.sh, c.sw, mode, align, expected);
          const wx = onBackend(backend, x);
          const wOut = backend.alloc(outSize);
          backend.upsample2d(wx, c.channels, c.h, c.w, c.sh, c.sw, mode, align, wOut);
          const what = JSON.stringify({ ...c, mode, align });
          expect(wOut.slice(), what).toEqual(expected);

          const dy = randomArray(new Rng(outSize), outSize);
          const dx = new Float32Array(inSize).fill(3);
          oracle.upsample2dBackward(dy, c.channels, c.h, c.w, c.sh, c.sw, mode, align, dx);
          const wDy = onBackend(backend, dy);
          const wDx = onBackend(backend, new Float32Array(inSize).fill(3));
          backend.upsample2dBackward(wDy, c.channels, c.h, c.w, c.sh, c.sw, mode, align, wDx);
          expect(wDx.slice(), what).toEqual(dx);
          for (const v of [wx, wOut, wDy, wDx]) backend.release(v);
        }
      }
    });

    it('swapAxes matches the reference', () => {
      for (const [a, b, inner] of [
        [1, 1, 1],
        [3, 5, 7],
        [64, 16, 49],
        [64, 128, 1],
        [2, 3, 0],
        // Blocks long enough for memory.copy, and short ones with a tail past whole vectors.
        [3, 4, 300],
        [5, 2, 258],
        [4, 3, 6],
      ] as const) {
        const x = randomArray(new Rng(a * b + inner), a * b * inner);
        const expected = new Float32Array(x.length);
        oracle.swapAxes(x, a, b, inner, expected);
        const wx = onBackend(backend, x);
        const out = backend.alloc(x.length);
        backend.swapAxes(wx, a, b, inner, out);
        expect(out.slice()).toEqual(expected);
        backend.release(wx);
        backend.release(out);
      }
    });
  });
});
