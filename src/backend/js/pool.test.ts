/**
 * The reference pooling and upsampling kernels against values worked out by hand with PyTorch's
 * rules (max_pool2d with padding and indices; interpolate nearest / bilinear, with and without
 * align_corners), and the axis swap.
 */

import { describe, expect, it } from 'vitest';
import type { Conv2dGeometry } from '../backend.js';
import { JsBackend } from './js-backend.js';

const js = new JsBackend();

function geometry(h: number, w: number, k: number, s: number, p: number): Conv2dGeometry {
  const o = (n: number): number => Math.floor((n + 2 * p - (k - 1) - 1) / s) + 1;
  return {
    channels: 1,
    height: h,
    width: w,
    kernelH: k,
    kernelW: k,
    strideH: s,
    strideW: s,
    padH: p,
    padW: p,
    dilationH: 1,
    dilationW: 1,
    outH: o(h),
    outW: o(w),
  };
}

describe('reference pooling kernels', () => {
  it('maxPool2d 2x2/2 picks window maxima and their plane indices', () => {
    const x = Float32Array.from([1, 2, 5, 0, 3, 4, 1, 6, 9, 8, 7, 7, 0, 1, 2, 3]);
    const g = geometry(4, 4, 2, 2, 0);
    const out = new Float32Array(4);
    const argmax = new Float32Array(4);
    js.maxPool2d(x, g, out, argmax);
    expect([...out]).toEqual([4, 6, 9, 7]);
    // Ties keep the first maximum (7 at index 10, not 11).
    expect([...argmax]).toEqual([5, 7, 8, 10]);
    const dx = new Float32Array(16).fill(5);
    js.maxPool2dBackward(Float32Array.from([1, 2, 3, 4]), argmax, g, dx);
    expect([...dx]).toEqual([0, 0, 0, 0, 0, 1, 0, 2, 3, 0, 4, 0, 0, 0, 0, 0]);
  });

  it('maxPool2d pads with −∞, lets NaN win, and sums overlapping gradients', () => {
    const x = Float32Array.from([-1, -2, -3, -4, NaN, -6, -7, -8, -9]);
    const g = geometry(3, 3, 3, 1, 1);
    const out = new Float32Array(9);
    const argmax = new Float32Array(9);
    js.maxPool2d(x, g, out, argmax);
    expect(out[0]).toBeNaN(); // every window holds the centre NaN
    expect([...argmax]).toEqual(new Array(9).fill(4));
    const dx = new Float32Array(9);
    js.maxPool2dBackward(new Float32Array(9).fill(1), argmax, g, dx);
    expect(dx[4]).toBe(9);
  });

  it('upsample2d nearest ×2 repeats pixels; backward sums each block', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    const out = new Float32Array(16);
    js.upsample2d(x, 1, 2, 2, 2, 2, 'nearest', false, out);
    expect([...out]).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const dx = new Float32Array(4);
    js.upsample2dBackward(
      Float32Array.from({ length: 16 }, (_v, i) => i),
      1,
      2,
      2,
      2,
      2,
      'nearest',
      false,
      dx,
    );
    expect([...dx]).toEqual([0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9 + 12 + 13, 10 + 11 + 14 + 15]);
  });

  it('upsample2d bilinear matches PyTorch with and without align_corners', () => {
    // torch.nn.functional.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), scale_factor=2, mode='bilinear')
    const x = Float32Array.from([1, 2, 3, 4]);
    const out = new Float32Array(16);
    js.upsample2d(x, 1, 2, 2, 2, 2, 'bilinear', false, out);
    expect([...out]).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
    js.upsample2d(x, 1, 2, 2, 2, 2, 'bilinear', true, out);
    const third = [1, 4 / 3, 5 / 3, 2];
    const expected = [0, 1, 2, 3].flatMap((r) => third.map((v) => v + (2 * r) / 3));
    for (let i = 0; i < 16; i++) expect(out[i]).toBeCloseTo(expected[i]!, 6);
    // The backward spreads each gradient by the same weights: a ones gradient sums to 16.
    const dx = new Float32Array(4);
    js.upsample2dBackward(new Float32Array(16).fill(1), 1, 2, 2, 2, 2, 'bilinear', false, dx);
    expect(dx.reduce((a, b) => a + b, 0)).toBeCloseTo(16, 5);
    expect([...dx]).toEqual([4, 4, 4, 4]);
  });

  it('swapAxes moves blocks between [a, b, ·] and [b, a, ·]', () => {
    const x = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]); // [2, 3, 2]
    const out = new Float32Array(12);
    js.swapAxes(x, 2, 3, 2, out);
    expect([...out]).toEqual([0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]);
  });
});
