/**
 * Reference max pooling and upsampling over planes (the batch folded into the channel count), with
 * PyTorch's semantics: max_pool2d pads with −∞ and lets NaN win; interpolate(scale_factor=…)
 * in nearest and bilinear modes. Source coordinates are computed in float64 here and in the wasm
 * kernels, so both pick the same pixels and weights.
 */

import { upsampleSize, type Conv2dGeometry, type UpsampleMode } from '../backend.js';

export function maxPool2d(image: Float32Array, g: Conv2dGeometry, out: Float32Array, argmax: Float32Array): void {
  const inPlane = g.height * g.width;
  const outPlane = g.outH * g.outW;
  for (let c = 0; c < g.channels; c++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        let best = -Infinity;
        let at = -1;
        for (let ky = 0; ky < g.kernelH; ky++) {
          const iy = oy * g.strideH - g.padH + ky * g.dilationH;
          if (iy < 0 || iy >= g.height) continue;
          for (let kx = 0; kx < g.kernelW; kx++) {
            const ix = ox * g.strideW - g.padW + kx * g.dilationW;
            if (ix < 0 || ix >= g.width) continue;
            const v = image[c * inPlane + iy * g.width + ix]!;
            // As PyTorch: NaN wins (the last NaN of the window), and the first valid pixel
            // holds the index even when every value is −∞.
            if (v > best || Number.isNaN(v) || at < 0) {
              best = v;
              at = iy * g.width + ix;
            }
          }
        }
        out[c * outPlane + oy * g.outW + ox] = best;
        argmax[c * outPlane + oy * g.outW + ox] = at;
      }
    }
  }
}

export function maxPool2dBackward(dy: Float32Array, argmax: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
  const inPlane = g.height * g.width;
  const outPlane = g.outH * g.outW;
  dx.fill(0, 0, g.channels * inPlane);
  for (let c = 0; c < g.channels; c++) {
    for (let o = 0; o < outPlane; o++) {
      const at = argmax[c * outPlane + o]!;
      if (at >= 0) dx[c * inPlane + at]! += dy[c * outPlane + o]!;
    }
  }
}

/** Source index and blend weight of one output coordinate along one axis (see Backend.upsample2d). */
export interface AxisSample {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  /** Weight of i1 (the weight of i0 is 1 − lambda); 0 for nearest. */
  readonly lambda: Float64Array;
}

export function axisSamples(size: number, scale: number, mode: UpsampleMode, alignCorners: boolean): AxisSample {
  const out = upsampleSize(size, scale);
  const i0 = new Int32Array(out);
  const i1 = new Int32Array(out);
  const lambda = new Float64Array(out);
  for (let d = 0; d < out; d++) {
    if (mode === 'nearest') {
      const s = Math.min(Math.floor(d * (1 / scale)), size - 1);
      i0[d] = s;
      i1[d] = s;
      continue;
    }
    const src = alignCorners ? (out > 1 ? (d * (size - 1)) / (out - 1) : 0) : Math.max((d + 0.5) * (1 / scale) - 0.5, 0);
    const lo = Math.min(Math.floor(src), size - 1);
    i0[d] = lo;
    i1[d] = Math.min(lo + 1, size - 1);
    lambda[d] = src - lo;
  }
  return { i0, i1, lambda };
}

export function upsample2d(
  x: Float32Array,
  channels: number,
  h: number,
  w: number,
  scaleH: number,
  scaleW: number,
  mode: UpsampleMode,
  alignCorners: boolean,
  out: Float32Array,
): void {
  const ys = axisSamples(h, scaleH, mode, alignCorners);
  const xs = axisSamples(w, scaleW, mode, alignCorners);
  const outH = ys.i0.length;
  const outW = xs.i0.length;
  for (let c = 0; c < channels; c++) {
    const src = c * h * w;
    for (let oy = 0; oy < outH; oy++) {
      const r0 = src + ys.i0[oy]! * w;
      const r1 = src + ys.i1[oy]! * w;
      const ly = ys.lambda[oy]!;
      for (let ox = 0; ox < outW; ox++) {
        const c0 = xs.i0[ox]!;
        const c1 = xs.i1[ox]!;
        const lx = xs.lambda[ox]!;
        const top = x[r0 + c0]! * (1 - lx) + x[r0 + c1]! * lx;
        const bottom = x[r1 + c0]! * (1 - lx) + x[r1 + c1]! * lx;
        out[(c * outH + oy) * outW + ox] = mode === 'nearest' ? x[r0 + c0]! : top * (1 - ly) + bottom * ly;
      }
    }
  }
}

export function upsample2dBackward(
  dy: Float32Array,
  channels: number,
  h: number,
  w: number,
  scaleH: number,
  scaleW: number,
  mode: UpsampleMode,
  alignCorners: boolean,
  dx: Float32Array,
): void {
  const ys = axisSamples(h, scaleH, mode, alignCorners);
  const xs = axisSamples(w, scaleW, mode, alignCorners);
  const outH = ys.i0.length;
  const outW = xs.i0.length;
  dx.fill(0, 0, channels * h * w);
  for (let c = 0; c < channels; c++) {
    const dst = c * h * w;
    for (let oy = 0; oy < outH; oy++) {
      const r0 = dst + ys.i0[oy]! * w;
      const r1 = dst + ys.i1[oy]! * w;
      const ly = ys.lambda[oy]!;
      for (let ox = 0; ox < outW; ox++) {
        const g = dy[(c * outH + oy) * outW + ox]!;
        const c0 = xs.i0[ox]!;
        if (mode === 'nearest') {
          dx[r0 + c0]! += g;
          continue;
        }
        const c1 = xs.i1[ox]!;
        const lx = xs.lambda[ox]!;
        dx[r0 + c0]! += g * (1 - ly) * (1 - lx);
        dx[r0 + c1]! += g * (1 - ly) * lx;
        dx[r1 + c0]! += g * ly * (1 - lx);
        dx[r1 + c1]! += g * ly * lx;
      }
    }
  }
}
