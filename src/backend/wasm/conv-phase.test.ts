/**
 * im2col and col2im through phase planes (asm/conv-phase.ts), taken for stride-2, dilation-1
 * geometries whose image is twice the column plane: bit for bit equal to the reference on both kernel builds and
 * 1 and 2 threads, over every kernel size and padding that gives such a geometry (k = 2p + 1 and
 * k = 2p + 2), planes narrower and wider than four lanes, non-square images, and columns holding
 * ±0, NaN, ±Infinity and denormals (where a masked lane must add nothing, and padding is +0).
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import type { Conv2dGeometry } from '../backend.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';

const builds = await wasmBackends();

/** A stride-2 geometry over an image of 2·outH × 2·outW pixels. */
function halving(
  channels: number,
  outH: number,
  outW: number,
  kernelH: number,
  kernelW: number,
  padH: number,
  padW: number,
): Conv2dGeometry {
  const g: Conv2dGeometry = {
    channels,
    height: 2 * outH,
    width: 2 * outW,
    kernelH,
    kernelW,
    strideH: 2,
    strideW: 2,
    padH,
    padW,
    dilationH: 1,
    dilationW: 1,
    outH,
    outW,
  };
  // The sizes must be the convolution's own: out = ⌊(in + 2p − k) / 2⌋ + 1.
  for (const [size, k, p, out] of [
    [g.height, kernelH, padH, outH],
    [g.width, kernelW, padW, outW],
  ] as const) {
    if (Math.floor((size + 2 * p - k) / 2) + 1 !== out) throw new Error(`test geometry ${JSON.stringify(g)} is not halving`);
  }
  return g;
}

const GEOMETRIES: Conv2dGeometry[] = [
  halving(32, 7, 7, 3, 3, 1, 1),
  halving(1, 14, 14, 3, 3, 1, 1),
  halving(2, 1, 1, 1, 1, 0, 0),
  halving(3, 4, 8, 2, 2, 0, 0),
  halving(2, 5, 3, 4, 4, 1, 1),
  halving(1, 6, 9, 5, 5, 2, 2),
  halving(2, 3, 2, 6, 6, 2, 2),
  halving(3, 9, 5, 3, 4, 1, 1),
  halving(1, 2, 11, 1, 5, 0, 2),
  halving(2, 6, 5, 9, 10, 4, 4),
];

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3e38, -3e38];

describe.each(HOST_VARIANTS)('%s im2col and col2im through phase planes', (variant) => {
  const backends = builds.get(variant)!;

  it.each([...backends.keys()])('im2col matches the reference bit for bit on %i thread(s)', (threads) => {
    const backend = backends.get(threads)!;
    GEOMETRIES.forEach((g, i) => {
      const batch = [2, 1, 3][i % 3]!;
      const imageSize = batch * g.channels * g.height * g.width;
      const image = randomArray(new Rng(50 + i), imageSize);
      for (let j = 0; j < imageSize; j += 3) image[j] = SPECIALS[(j / 3) % SPECIALS.length]!;
      const size = g.channels * g.kernelH * g.kernelW * batch * g.outH * g.outW;
      const expected = new Float32Array(size).fill(5);
      oracle.im2col(image, g, expected, batch);
      const wimage = onBackend(backend, image);
      const cols = onBackend(backend, new Float32Array(size).fill(5));
      backend.im2col(wimage, g, cols, batch);
      expect(Array.from(cols), JSON.stringify({ ...g, batch })).toEqual(Array.from(expected));
      backend.release(wimage);
      backend.release(cols);
    });
  });

  it.each([...backends.keys()])('col2im matches the reference bit for bit on %i thread(s), overwriting the images', (threads) => {
    const backend = backends.get(threads)!;
    GEOMETRIES.forEach((g, i) => {
      const batch = [1, 3, 2][i % 3]!;
      const size = g.channels * g.kernelH * g.kernelW * batch * g.outH * g.outW;
      const cols = randomArray(new Rng(i + 1), size);
      for (let j = 0; j < size; j += 3) cols[j] = SPECIALS[(j / 3) % SPECIALS.length]!;
      const imageSize = batch * g.channels * g.height * g.width;
      const expected = new Float32Array(imageSize).fill(5);
      oracle.col2im(cols, g, expected, batch);
      const wcols = onBackend(backend, cols);
      const image = onBackend(backend, new Float32Array(imageSize).fill(5));
      backend.col2im(wcols, g, image, batch);
      expect(Array.from(image), JSON.stringify({ ...g, batch })).toEqual(Array.from(expected));
      backend.release(wcols);
      backend.release(image);
    });
  });
});
