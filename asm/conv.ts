/**
 * im2col / col2im for a batch of NCHW images, split by units u in [u0, u1) where u = c·batch + n
 * (one channel of one sample): a unit touches disjoint row segments of `cols` and one image plane,
 * so threads never overlap. Channel-major units make consecutive units fill adjacent stretches of
 * the same column rows, which keeps the writes streaming.
 *
 * Layout matches the reference: column row = (c·kH + ky)·kW + kx, column index =
 * n·outH·outW + oy·outW + ox (rows are batch·outH·outW long). For each (c, ky, kx, oy) the valid
 * ox range is computed once, so the inner loops carry no bounds tests; col2im adds in the
 * reference's order, so its sums match it exactly. `swapAxes` moves blocks between [a, b, ·] and
 * [b, a, ·] around the batched GEMM.
 *
 * The geometry arrives as 13 consecutive float64 slots at `g`, in Conv2dGeometry field order,
 * then the batch and the byte offset of a tap table (0 for none). With a table, short output rows
 * take the flat loops of conv-gather.ts instead of the row loops here. Given a scratch
 * (the caller checked the geometry: stride 2, dilation 1, image twice the plane) goes through
 * the phase planes of conv-phase.ts instead.
 */

import { at } from './address';
import { col2imScatter, im2colGather } from './conv-gather';
import { col2imPhases, im2colPhases } from './conv-phase';
import { interleaveHi, interleaveLo } from './transpose';

// @ts-ignore: decorator
@inline
function gi(g: usize, index: i32): i32 {
  return <i32>load<f64>(g + (<usize>index << 3));
}

// First ox whose input column ix = ox·s + off lies at or right of 0 / strictly left of `limit`.
// @ts-ignore: decorator
@inline
function firstInside(off: i32, s: i32): i32 {
  return off >= 0 ? 0 : (s - 1 - off) / s;
}
// @ts-ignore: decorator
@inline
function endInside(off: i32, s: i32, limit: i32): i32 {
  const room = limit - off;
  return room <= 0 ? 0 : (room + s - 1) / s;
}

// @ts-ignore: decorator
@inline
function zero(p: usize, from: i32, to: i32): void {
  let i = from;
  for (; i + 4 <= to; i += 4) v128.store(at(p, i), f32x4.splat(0));
  for (; i < to; i++) store<f32>(at(p, i), 0);
}

export function im2col(image: usize, cols: usize, g: usize, batch: i32, u0: i32, u1: i32, scratch: usize): void {
  const channels = gi(g, 0), height = gi(g, 1), width = gi(g, 2);
  const kH = gi(g, 3), kW = gi(g, 4), sH = gi(g, 5), sW = gi(g, 6);
  const pH = gi(g, 7), pW = gi(g, 8), dH = gi(g, 9), dW = gi(g, 10);
  const outH = gi(g, 11), outW = gi(g, 12);
  if (scratch != 0) {
    im2colPhases(image, cols, channels, kH, kW, pH, pW, outH, outW, batch, u0, u1, scratch);
    return;
  }
  const plane = outH * outW;
  const table = <usize>load<f64>(g + 14 * 8);
  if (table != 0) {
    im2colGather(image, cols, table, channels, height * width, kH * kW, plane, batch, u0, u1);
    return;
  }
  const stride = batch * plane;
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    const base = n * channels * height * width;
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = ((c * kH + ky) * kW + kx) * stride + n * plane;
        const off = kx * dW - pW;
        const lo = min(outW, firstInside(off, sW));
        const hi = max(lo, min(outW, endInside(off, sW, width)));
        // Rows are short (often under 16 floats): plain loops beat calls to memset/memcpy.
        for (let oy = 0; oy < outH; oy++) {
          const dst = at(cols, row + oy * outW);
          const iy = oy * sH - pH + ky * dH;
          if (iy < 0 || iy >= height) {
            zero(dst, 0, outW);
            continue;
          }
          zero(dst, 0, lo);
          const src = at(image, base + (c * height + iy) * width + off);
          let ox = lo;
          if (sW == 1) {
            for (; ox + 4 <= hi; ox += 4) v128.store(at(dst, ox), v128.load(at(src, ox)));
            for (; ox < hi; ox++) store<f32>(at(dst, ox), load<f32>(at(src, ox)));
          } else {
            if (sW == 2) {
              // Even lanes of two vectors; only while both loads stay inside the image row.
              for (; ox + 4 <= hi && 2 * ox + 8 <= width - off; ox += 4) {
                const a = v128.load(at(src, 2 * ox)), b = v128.load(at(src, 2 * ox + 4));
                v128.store(at(dst, ox), v128.shuffle<f32>(a, b, 0, 2, 4, 6));
              }
            }
            for (; ox < hi; ox++) store<f32>(at(dst, ox), load<f32>(at(src, ox * sW)));
          }
          zero(dst, hi, outW);
        }
      }
    }
  }
}

export function col2im(cols: usize, image: usize, g: usize, batch: i32, u0: i32, u1: i32, scratch: usize): void {
  const channels = gi(g, 0), height = gi(g, 1), width = gi(g, 2);
  const kH = gi(g, 3), kW = gi(g, 4), sH = gi(g, 5), sW = gi(g, 6);
  const pH = gi(g, 7), pW = gi(g, 8), dH = gi(g, 9), dW = gi(g, 10);
  const outH = gi(g, 11), outW = gi(g, 12);
  if (scratch != 0) {
    col2imPhases(cols, image, channels, kH, kW, pH, pW, outH, outW, batch, u0, u1, scratch);
    return;
  }
  const plane = outH * outW;
  const planeIn = height * width;
  const table = <usize>load<f64>(g + 14 * 8);
  if (table != 0) {
    col2imScatter(cols, image, table, channels, planeIn, kH * kW, plane, batch, u0, u1);
    return;
  }
  const stride = batch * plane;
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    const base = (n * channels + c) * planeIn;
    zero(image, base, base + planeIn);
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = ((c * kH + ky) * kW + kx) * stride + n * plane;
        const off = kx * dW - pW;
        const lo = min(outW, firstInside(off, sW));
        const hi = max(lo, min(outW, endInside(off, sW, width)));
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sH - pH + ky * dH;
          if (iy < 0 || iy >= height) continue;
          const src = at(cols, row + oy * outW);
          const dst = at(image, base + iy * width + off);
          let ox = lo;
          if (sW == 1) {
            for (; ox + 4 <= hi; ox += 4) {
              v128.store(at(dst, ox), f32x4.add(v128.load(at(dst, ox)), v128.load(at(src, ox))));
            }
          } else if (sW == 2) {
            // Interleave with −0 (x + −0 = x for every x, −0 included), staying inside the row.
            const filler = f32x4.splat(-0.0);
            for (; ox + 4 <= hi && 2 * ox + 8 <= width - off; ox += 4) {
              const v = v128.load(at(src, ox));
              const d0 = at(dst, 2 * ox), d1 = at(dst, 2 * ox + 4);
              v128.store(d0, f32x4.add(v128.load(d0), interleaveLo(v, filler)));
              v128.store(d1, f32x4.add(v128.load(d1), interleaveHi(v, filler)));
            }
          }
          for (; ox < hi; ox++) {
            const d = at(dst, ox * sW);
            store<f32>(d, load<f32>(d) + load<f32>(at(src, ox)));
          }
        }
      }
    }
  }
}

/** out[j, i, :] = x[i, j, :] over x [a, b, inner], for output blocks j in [j0, j1). */
export function swapAxes(x: usize, a: i32, b: i32, inner: i32, out: usize, j0: i32, j1: i32): void {
  const bytes = <usize>inner << 2;
  if (inner >= 256) {
    for (let j = j0; j < j1; j++) {
      for (let i = 0; i < a; i++) memory.copy(at(out, (j * a + i) * inner), at(x, (i * b + j) * inner), bytes);
    }
    return;
  }
  // Short blocks (a conv plane of 7×7 or 14×14): an inline vector copy beats a call to memory.copy.
  const vectorBytes = bytes & ~15;
  for (let j = j0; j < j1; j++) {
    for (let i = 0; i < a; i++) {
      const d = at(out, (j * a + i) * inner), s = at(x, (i * b + j) * inner);
      let o: usize = 0;
      for (; o < vectorBytes; o += 16) v128.store(d + o, v128.load(s + o));
      for (; o < bytes; o += 4) store<f32>(d + o, load<f32>(s + o));
    }
  }
}
