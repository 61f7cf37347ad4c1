/**
 * Max pooling and upsampling over planes (the batch folded into channels), split by channel
 * ranges [c0, c1): a channel reads and writes its own planes only, so threads never overlap.
 * Semantics and float64 coordinate maths follow the reference (src/backend/js/pool.ts) step for
 * step, so both backends pick the same pixels, weights and summation order.
 *
 * These kernels are gathers bound by memory traffic rather than arithmetic, so they stay scalar.
 * Pooling geometry arrives as 13 float64 slots at `g` in Conv2dGeometry field order.
 */

import { at } from './address';

// @ts-ignore: decorator
@inline
function gi(g: usize, index: i32): i32 {
  return <i32>load<f64>(g + (<usize>index << 3));
}

export function maxPool2d(image: usize, out: usize, argmax: usize, g: usize, c0: i32, c1: i32): void {
  const height = gi(g, 1), width = gi(g, 2);
  const kH = gi(g, 3), kW = gi(g, 4), sH = gi(g, 5), sW = gi(g, 6);
  const pH = gi(g, 7), pW = gi(g, 8), dH = gi(g, 9), dW = gi(g, 10);
  const outH = gi(g, 11), outW = gi(g, 12);
  const inPlane = height * width, outPlane = outH * outW;
  for (let c = c0; c < c1; c++) {
    const src = at(image, c * inPlane);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let best: f32 = -Infinity;
        let idx: i32 = -1;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sH - pH + ky * dH;
          if (iy < 0 || iy >= height) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sW - pW + kx * dW;
            if (ix < 0 || ix >= width) continue;
            const v = load<f32>(at(src, iy * width + ix));
            if (v > best || v != v || idx < 0) {
              best = v;
              idx = iy * width + ix;
            }
          }
        }
        const o = c * outPlane + oy * outW + ox;
        store<f32>(at(out, o), best);
        store<f32>(at(argmax, o), <f32>idx);
      }
    }
  }
}

export function maxPool2dBackward(dy: usize, argmax: usize, dx: usize, g: usize, c0: i32, c1: i32): void {
  const height = gi(g, 1), width = gi(g, 2);
  const outH = gi(g, 11), outW = gi(g, 12);
  const inPlane = height * width, outPlane = outH * outW;
  if (c1 > c0) memory.fill(at(dx, c0 * inPlane), 0, <usize>((c1 - c0) * inPlane) << 2);
  for (let c = c0; c < c1; c++) {
    for (let o = 0; o < outPlane; o++) {
      const idx = <i32>load<f32>(at(argmax, c * outPlane + o));
      if (idx < 0) continue;
      const d = at(dx, c * inPlane + idx);
      store<f32>(d, load<f32>(d) + load<f32>(at(dy, c * outPlane + o)));
    }
  }
}

// Source index (low neighbour) of output coordinate d; the blend weight goes to `lambdaOut`.
let lambdaOut: f64 = 0;

// @ts-ignore: decorator
@inline
function source(d: i32, size: i32, out: i32, scale: f64, bilinear: bool, align: bool): i32 {
  if (!bilinear) {
    lambdaOut = 0;
    return min(<i32>Math.floor(<f64>d * (1 / scale)), size - 1);
  }
  const src = align ? (out > 1 ? (<f64>d * <f64>(size - 1)) / <f64>(out - 1) : 0) : Math.max((<f64>d + 0.5) * (1 / scale) - 0.5, 0);
  const lo = min(<i32>Math.floor(src), size - 1);
  lambdaOut = src - <f64>lo;
  return lo;
}

export function upsample2d(
  x: usize, out: usize, h: i32, w: i32, scaleH: f64, scaleW: f64, bilinear: bool, align: bool, c0: i32, c1: i32,
): void {
  const outH = <i32>Math.floor(<f64>h * scaleH), outW = <i32>Math.floor(<f64>w * scaleW);
  for (let c = c0; c < c1; c++) {
    const src = at(x, c * h * w);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = source(oy, h, outH, scaleH, bilinear, align);
      const ly = lambdaOut;
      const y1 = min(y0 + 1, h - 1);
      const dst = at(out, (c * outH + oy) * outW);
      if (!bilinear) {
        const row = at(src, y0 * w);
        for (let ox = 0; ox < outW; ox++) {
          const x0 = source(ox, w, outW, scaleW, false, align);
          store<f32>(at(dst, ox), load<f32>(at(row, x0)));
        }
        continue;
      }
      const r0 = at(src, y0 * w), r1 = at(src, y1 * w);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = source(ox, w, outW, scaleW, true, align);
        const lx = lambdaOut;
        const x1 = min(x0 + 1, w - 1);
        const top = <f64>load<f32>(at(r0, x0)) * (1 - lx) + <f64>load<f32>(at(r0, x1)) * lx;
        const bottom = <f64>load<f32>(at(r1, x0)) * (1 - lx) + <f64>load<f32>(at(r1, x1)) * lx;
        store<f32>(at(dst, ox), <f32>(top * (1 - ly) + bottom * ly));
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function addAt(p: usize, i: i32, v: f64): void {
  const d = at(p, i);
  store<f32>(d, <f32>(<f64>load<f32>(d) + v));
}

export function upsample2dBackward(
  dy: usize, dx: usize, h: i32, w: i32, scaleH: f64, scaleW: f64, bilinear: bool, align: bool, c0: i32, c1: i32,
): void {
  const outH = <i32>Math.floor(<f64>h * scaleH), outW = <i32>Math.floor(<f64>w * scaleW);
  if (c1 > c0) memory.fill(at(dx, c0 * h * w), 0, <usize>((c1 - c0) * h * w) << 2);
  for (let c = c0; c < c1; c++) {
    const base = at(dx, c * h * w);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = source(oy, h, outH, scaleH, bilinear, align);
      const ly = lambdaOut;
      const y1 = min(y0 + 1, h - 1);
      const grads = at(dy, (c * outH + oy) * outW);
      for (let ox = 0; ox < outW; ox++) {
        const g = <f64>load<f32>(at(grads, ox));
        const x0 = source(ox, w, outW, scaleW, bilinear, align);
        if (!bilinear) {
          addAt(base, y0 * w + x0, g);
          continue;
        }
        const lx = lambdaOut;
        const x1 = min(x0 + 1, w - 1);
        addAt(base, y0 * w + x0, g * (1 - ly) * (1 - lx));
        addAt(base, y0 * w + x1, g * (1 - ly) * lx);
        addAt(base, y1 * w + x0, g * ly * (1 - lx));
        addAt(base, y1 * w + x1, g * ly * lx);
      }
    }
  }
}
