/**
 * im2col / col2im for stride-2 layers whose image is exactly twice the column plane on each axis
 * (W2's 14×14 ↔ 7×7 and 28×28 ↔ 14×14, dilation 1), through the image's four phase planes.
 *
 * Pixel (2r + py, 2j + px) of such an image lives in phase plane (py, px) at (r, j), and every
 * tap (ky, kx) pairs column (oy, ox) with phase pixel (oy + sy, ox + sx) of one phase plane: in
 * flat indices, column s with phase pixel s + sy·outW + sx. So one tap is one flat pass of four
 * lanes over its column plane, with lanes whose column ox + sx falls outside the plane masked,
 * instead of the per-pixel gather or scatter of the tap table. Phase planes carry `pad` floats
 * on each side (at least the largest flat shift), so rows that fall outside the plane read zeros
 * (im2col) or add into the margin, which is never read (col2im), without bounds tests.
 *
 * im2col de-interleaves the image into the phase planes once per (sample, channel), then each tap
 * is a masked copy (+0, the reference's padding value, outside the image). col2im adds each tap
 * into the phase planes, masked lanes adding −0, then interleaves them into the image.
 *
 * Sums match the reference bit for bit: each phase pixel starts at +0 (the reference zeroes the
 * image) and receives the taps in the reference's tap order; x + (−0) = x for every x, −0 and
 * NaN included, so masked lanes change nothing. im2col copies bits. Units u = c·batch + n as in
 * conv.ts; `scratch` (private to the thread) holds phaseScratchFloats(...) floats: four padded
 * phase planes and kW·P lane masks.
 */

import { at } from './address';
import { interleaveHi, interleaveLo } from './transpose';

/** Largest |⌊(k − p)/2⌋| over taps k in [0, kernel): the phase shift of the farthest tap. */
// @ts-ignore: decorator
@inline
function reach(kernel: i32, pad: i32): i32 {
  return max(abs((0 - pad) >> 1), abs((kernel - 1 - pad) >> 1));
}

/** Floats on each side of a phase plane: the largest flat shift, rounded up to whole vectors. */
function margin(kH: i32, kW: i32, pH: i32, pW: i32, outW: i32): i32 {
  return (reach(kH, pH) * outW + reach(kW, pW) + 3) & ~3;
}

/** Floats from one padded phase plane to the next: the plane in whole vectors and a margin on each side. */
// @ts-ignore: decorator
@inline
function phaseStride(plane: i32, pad: i32): i32 {
  return ((plane + 3) & ~3) + 2 * pad;
}

/** Floats of scratch the phase-plane paths need (exported: the backend asks before it picks them). */
export function phaseScratchFloats(kH: i32, kW: i32, pH: i32, pW: i32, outH: i32, outW: i32): i32 {
  const plane = outH * outW;
  return 4 * phaseStride(plane, margin(kH, kW, pH, pW, outW)) + kW * plane;
}

// Lane masks per kx at `masks`: −1 where column ox of a column plane pairs with a phase column
// ox + sx inside the plane.
function fillMasks(masks: usize, kW: i32, pW: i32, outW: i32, plane: i32): void {
  for (let kx = 0; kx < kW; kx++) {
    const sx = (kx - pW) >> 1;
    for (let f = 0; f < plane; f++) {
      const j = (f % outW) + sx;
      store<i32>(at(masks, kx * plane + f), j >= 0 && j < outW ? -1 : 0);
    }
  }
}

export function im2colPhases(
  image: usize,
  cols: usize,
  channels: i32,
  kH: i32,
  kW: i32,
  pH: i32,
  pW: i32,
  outH: i32,
  outW: i32,
  batch: i32,
  u0: i32,
  u1: i32,
  scratch: usize,
): void {
  const plane = outH * outW;
  const width = 2 * outW;
  const stride = batch * plane;
  const taps = kH * kW;
  const pad = margin(kH, kW, pH, pW, outW);
  const planeStride = phaseStride(plane, pad);
  const masks = at(scratch, 4 * planeStride);
  fillMasks(masks, kW, pW, outW, plane);
  // Margins stay zero: the de-interleave below writes plane interiors only.
  memory.fill(scratch, 0, <usize>(4 * planeStride) << 2);
  const vectorEnd = plane & ~3;
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    const base = at(image, (n * channels + c) * 4 * plane);
    for (let r = 0; r < outH; r++) {
      for (let py = 0; py < 2; py++) {
        const row = at(base, (2 * r + py) * width);
        const e = at(scratch, py * 2 * planeStride + pad + r * outW);
        const o = at(scratch, (py * 2 + 1) * planeStride + pad + r * outW);
        let j = 0;
        for (; j + 4 <= outW; j += 4) {
          const a = v128.load(at(row, 2 * j)), b = v128.load(at(row, 2 * j + 4));
          v128.store(at(e, j), v128.shuffle<f32>(a, b, 0, 2, 4, 6));
          v128.store(at(o, j), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
        }
        for (; j < outW; j++) {
          store<f32>(at(e, j), load<f32>(at(row, 2 * j)));
          store<f32>(at(o, j), load<f32>(at(row, 2 * j + 1)));
        }
      }
    }
    for (let ky = 0; ky < kH; ky++) {
      const ay = ky - pH;
      const py = ay & 1, sy = ay >> 1;
      for (let kx = 0; kx < kW; kx++) {
        const ax = kx - pW;
        const px = ax & 1, sx = ax >> 1;
        const dst = at(cols, (c * taps + ky * kW + kx) * stride + n * plane);
        // Phase pixel of column 0; rows outside the plane land in the zero margin.
        const src = at(scratch, (py * 2 + px) * planeStride + pad + sy * outW + sx);
        const mask = at(masks, kx * plane);
        let s = 0;
        for (; s < vectorEnd; s += 4) v128.store(at(dst, s), v128.and(v128.load(at(src, s)), v128.load(at(mask, s))));
        for (; s < plane; s++) store<f32>(at(dst, s), load<i32>(at(mask, s)) != 0 ? load<f32>(at(src, s)) : 0);
      }
    }
  }
}

export function col2imPhases(
  cols: usize,
  image: usize,
  channels: i32,
  kH: i32,
  kW: i32,
  pH: i32,
  pW: i32,
  outH: i32,
  outW: i32,
  batch: i32,
  u0: i32,
  u1: i32,
  scratch: usize,
): void {
  const plane = outH * outW;
  const width = 2 * outW;
  const stride = batch * plane;
  const taps = kH * kW;
  const pad = margin(kH, kW, pH, pW, outW);
  const planeStride = phaseStride(plane, pad);
  const masks = at(scratch, 4 * planeStride);
  fillMasks(masks, kW, pW, outW, plane);
  const negZero = f32x4.splat(-0.0);
  const vectorEnd = plane & ~3;
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    // Interiors start at +0, as the reference's zeroed image; margins collect what falls outside.
    for (let q = 0; q < 4; q++) {
      const interior = at(scratch, q * planeStride + pad);
      let i = 0;
      for (; i + 4 <= plane; i += 4) v128.store(at(interior, i), f32x4.splat(0));
      for (; i < plane; i++) store<f32>(at(interior, i), 0);
    }
    for (let ky = 0; ky < kH; ky++) {
      const ay = ky - pH;
      const py = ay & 1, sy = ay >> 1;
      for (let kx = 0; kx < kW; kx++) {
        const ax = kx - pW;
        const px = ax & 1, sx = ax >> 1;
        const src = at(cols, (c * taps + ky * kW + kx) * stride + n * plane);
        const dst = at(scratch, (py * 2 + px) * planeStride + pad + sy * outW + sx);
        const mask = at(masks, kx * plane);
        let s = 0;
        for (; s < vectorEnd; s += 4) {
          const v = v128.bitselect(v128.load(at(src, s)), negZero, v128.load(at(mask, s)));
          const d = at(dst, s);
          v128.store(d, f32x4.add(v128.load(d), v));
        }
        for (; s < plane; s++) {
          const d = at(dst, s);
          store<f32>(d, load<f32>(d) + (load<i32>(at(mask, s)) != 0 ? load<f32>(at(src, s)) : -0.0));
        }
      }
    }
    const base = at(image, (n * channels + c) * 4 * plane);
    for (let r = 0; r < outH; r++) {
      for (let py = 0; py < 2; py++) {
        const row = at(base, (2 * r + py) * width);
        const e = at(scratch, py * 2 * planeStride + pad + r * outW);
        const o = at(scratch, (py * 2 + 1) * planeStride + pad + r * outW);
        let j = 0;
        for (; j + 4 <= outW; j += 4) {
          const a = v128.load(at(e, j)), b = v128.load(at(o, j));
          v128.store(at(row, 2 * j), interleaveLo(a, b));
          v128.store(at(row, 2 * j + 4), interleaveHi(a, b));
        }
        for (; j < outW; j++) {
          store<f32>(at(row, 2 * j), load<f32>(at(e, j)));
          store<f32>(at(row, 2 * j + 1), load<f32>(at(o, j)));
        }
      }
    }
  }
}
