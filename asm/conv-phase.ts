/**
 * im2col / col2im for stride-2 layers whose image is exactly twice the column plane on each axis
 * (W2's 14×14 ↔ 7×7 and 28×28 ↔ 14×14, dilation 1), through the image's four phase planes.
 *
 * Pixel (2r + py, 2j + px) of such an image lives in phase plane (py, px) at (r, j), and every
 * tap (ky, kx) feeds exactly one phase plane from its column plane shifted by (sy, sx) whole
 * rows and columns: phase[r·outW + j] += cols[(r − sy)·outW + (j − sx)]. So one tap is one flat
 * pass of four lanes over the valid rows, with lanes whose column falls outside the plane masked
 * to −0, instead of the per-pixel scatter of the tap table. The phase planes then interleave into
 * the image. im2col runs the other way: the image de-interleaves into phase planes once, and each
 * tap's column plane is one flat masked copy (+0, the reference's padding value, where the pixel
 * falls outside the image), the same bits as the reference.
 *
 * Sums match the reference bit for bit: each phase pixel starts at +0 (the reference zeroes the
 * image) and receives the taps in the reference's tap order; x + (−0) = x for every x, −0 and
 * NaN included, so masked lanes change nothing. Units u = c·batch + n as in conv.ts; `scratch`
 * (private to the thread) holds 4·P floats of phase planes and kW·P lane masks.
 */

// Lane masks per kx at `masks`: −1 where column j of a plane pairs with column j − sign·sx inside
// the plane (sign −1 for col2im's phase positions, +1 for im2col's column positions).
function fillMasks(masks: usize, kW: i32, pW: i32, outW: i32, plane: i32, sign: i32): void {
  for (let kx = 0; kx < kW; kx++) {
    const sx = (kx - pW) >> 1;
    for (let f = 0; f < plane; f++) {
      const j = (f % outW) + sign * sx;
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
  const phases = scratch;
  const masks = at(scratch, 4 * plane);
  fillMasks(masks, kW, pW, outW, plane, 1);
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    const base = at(image, (n * channels + c) * 4 * plane);
    for (let r = 0; r < outH; r++) {
      for (let py = 0; py < 2; py++) {
        const row = at(base, (2 * r + py) * width);
        const e = at(phases, py * 2 * plane + r * outW), o = at(phases, (py * 2 + 1) * plane + r * outW);
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
      // Column rows oy whose phase row oy + sy is inside the plane; the others are padding.
      const sStart = min(plane, max(0, -sy) * outW), sEnd = max(sStart, min(outH, outH - sy) * outW);
      for (let kx = 0; kx < kW; kx++) {
        const ax = kx - pW;
        const px = ax & 1, sx = ax >> 1;
        const dst = at(cols, (c * taps + ky * kW + kx) * stride + n * plane);
        const src = at(phases, (py * 2 + px) * plane);
        const mask = at(masks, kx * plane);
        const off = sy * outW + sx;
        let s = 0;
        for (; s < sStart; s++) store<f32>(at(dst, s), 0);
        const vStart = min(sEnd, max(sStart, -off)), vEnd = min(sEnd, plane - off);
        for (; s < vStart; s++) copyOne(dst, src, mask, s, off, plane);
        for (; s + 4 <= vEnd; s += 4) v128.store(at(dst, s), v128.and(v128.load(at(src, s + off)), v128.load(at(mask, s))));
        for (; s < sEnd; s++) copyOne(dst, src, mask, s, off, plane);
        for (; s < plane; s++) store<f32>(at(dst, s), 0);
      }
    }
  }
}

// One column value s: its phase pixel when inside the plane and the mask allows, else +0.
// @ts-ignore: decorator
@inline
function copyOne(dst: usize, src: usize, mask: usize, s: i32, off: i32, plane: i32): void {
  const g = s + off;
  store<f32>(at(dst, s), g >= 0 && g < plane && load<i32>(at(mask, s)) != 0 ? load<f32>(at(src, g)) : 0);
}

// @ts-ignore: decorator
@inline
function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
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
  const phases = scratch;
  const masks = at(scratch, 4 * plane);
  fillMasks(masks, kW, pW, outW, plane, -1);
  const negZero = f32x4.splat(-0.0);
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    let i = 0;
    for (; i + 4 <= 4 * plane; i += 4) v128.store(at(phases, i), f32x4.splat(0));
    for (; i < 4 * plane; i++) store<f32>(at(phases, i), 0);
    for (let ky = 0; ky < kH; ky++) {
      const ay = ky - pH;
      const py = ay & 1, sy = ay >> 1;
      const gStart = max(0, sy) * outW, gEnd = min(outH, outH + sy) * outW;
      if (gEnd <= gStart) continue;
      for (let kx = 0; kx < kW; kx++) {
        const ax = kx - pW;
        const px = ax & 1, sx = ax >> 1;
        const src = at(cols, (c * taps + ky * kW + kx) * stride + n * plane);
        const dst = at(phases, (py * 2 + px) * plane);
        const mask = at(masks, kx * plane);
        const off = sy * outW + sx;
        // Four-lane loads only where all four source floats lie inside the column plane.
        const vStart = min(gEnd, max(gStart, off)), vEnd = min(gEnd, plane + off);
        let g = gStart;
        for (; g < vStart; g++) addOne(dst, src, mask, g, off, plane);
        for (; g + 4 <= vEnd; g += 4) {
          const v = v128.bitselect(v128.load(at(src, g - off)), negZero, v128.load(at(mask, g)));
          const d = at(dst, g);
          v128.store(d, f32x4.add(v128.load(d), v));
        }
        for (; g < gEnd; g++) addOne(dst, src, mask, g, off, plane);
      }
    }
    const base = at(image, (n * channels + c) * 4 * plane);
    for (let r = 0; r < outH; r++) {
      for (let py = 0; py < 2; py++) {
        const row = at(base, (2 * r + py) * width);
        const e = at(phases, py * 2 * plane + r * outW), o = at(phases, (py * 2 + 1) * plane + r * outW);
        let j = 0;
        for (; j + 4 <= outW; j += 4) {
          const a = v128.load(at(e, j)), b = v128.load(at(o, j));
          v128.store(at(row, 2 * j), v128.shuffle<f32>(a, b, 0, 4, 1, 5));
          v128.store(at(row, 2 * j + 4), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
        }
        for (; j < outW; j++) {
          store<f32>(at(row, 2 * j), load<f32>(at(e, j)));
          store<f32>(at(row, 2 * j + 1), load<f32>(at(o, j)));
        }
      }
    }
  }
}

// One phase pixel g: adds its source when the source lies inside the plane and the mask allows.
// @ts-ignore: decorator
@inline
function addOne(dst: usize, src: usize, mask: usize, g: i32, off: i32, plane: i32): void {
  const s = g - off;
  if (s >= 0 && s < plane && load<i32>(at(mask, g)) != 0) {
    const d = at(dst, g);
    store<f32>(d, load<f32>(d) + load<f32>(at(src, s)));
  }
}
