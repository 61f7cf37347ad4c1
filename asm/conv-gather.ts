/**
 * im2col / col2im through a tap table, for images whose output rows are short (a stride-2 3×3
 * layer on 14×14 or 28×28 images writes rows of 7 or 14 floats). There the row loops of conv.ts
 * spend more on loop entry and exit than on the copies; here each (channel, sample, tap) plane is
 * one flat loop of four lanes at a time with no bounds tests.
 *
 * Table: for each tap (ky, kx) in order and each output position p = oy·outW + ox, one i32: the
 * byte offset of the input pixel in its image plane, or, when the pixel falls in the padding, an
 * in-plane offset with bit 0 set. im2col masks such lanes to +0 (the reference's padding value);
 * col2im adds −0 through them, which leaves every float unchanged, so the valid additions reach
 * each pixel in tap order, the reference's order, and sums match it exactly. Within one tap the
 * valid entries name distinct pixels; lanes are still added one at a time, since a padding lane
 * may name the same pixel as a valid one. Units and layout are those of conv.ts.
 */

import { at } from './address';

/** Columns of units [u0, u1) (u = c·batch + n) from `image` through `table`. */
export function im2colGather(
  image: usize,
  cols: usize,
  table: usize,
  channels: i32,
  planeIn: i32,
  taps: i32,
  plane: i32,
  batch: i32,
  u0: i32,
  u1: i32,
): void {
  const stride = batch * plane;
  const flag = i32x4.splat(1);
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    const base = at(image, (n * channels + c) * planeIn);
    let e = table;
    for (let t = 0; t < taps; t++) {
      const dst = at(cols, (c * taps + t) * stride + n * plane);
      let p = 0;
      for (; p + 4 <= plane; p += 4, e += 16) {
        const code = v128.load(e);
        const off = v128.andnot(code, flag);
        let v = v128.load32_zero(base + <usize>i32x4.extract_lane(off, 0));
        v = v128.load32_lane(base + <usize>i32x4.extract_lane(off, 1), v, 1);
        v = v128.load32_lane(base + <usize>i32x4.extract_lane(off, 2), v, 2);
        v = v128.load32_lane(base + <usize>i32x4.extract_lane(off, 3), v, 3);
        v128.store(at(dst, p), v128.andnot(v, i32x4.eq(v128.and(code, flag), flag)));
      }
      for (; p < plane; p++, e += 4) {
        const code = load<i32>(e);
        store<f32>(at(dst, p), select<f32>(0, load<f32>(base + <usize>(code & ~1)), code & 1));
      }
    }
  }
}

/** Images of units [u0, u1) overwritten with the sum of their columns, through `table`. */
export function col2imScatter(
  cols: usize,
  image: usize,
  table: usize,
  channels: i32,
  planeIn: i32,
  taps: i32,
  plane: i32,
  batch: i32,
  u0: i32,
  u1: i32,
): void {
  const stride = batch * plane;
  const flag = i32x4.splat(1);
  const negZero = f32x4.splat(-0.0);
  for (let u = u0; u < u1; u++) {
    const c = u / batch, n = u % batch;
    const base = at(image, (n * channels + c) * planeIn);
    let i = 0;
    for (; i + 4 <= planeIn; i += 4) v128.store(at(base, i), f32x4.splat(0));
    for (; i < planeIn; i++) store<f32>(at(base, i), 0);
    let e = table;
    for (let t = 0; t < taps; t++) {
      const src = at(cols, (c * taps + t) * stride + n * plane);
      let p = 0;
      for (; p + 4 <= plane; p += 4, e += 16) {
        const code = v128.load(e);
        const off = v128.andnot(code, flag);
        const v = v128.bitselect(negZero, v128.load(at(src, p)), i32x4.eq(v128.and(code, flag), flag));
        const d0 = base + <usize>i32x4.extract_lane(off, 0);
        store<f32>(d0, load<f32>(d0) + f32x4.extract_lane(v, 0));
        const d1 = base + <usize>i32x4.extract_lane(off, 1);
        store<f32>(d1, load<f32>(d1) + f32x4.extract_lane(v, 1));
        const d2 = base + <usize>i32x4.extract_lane(off, 2);
        store<f32>(d2, load<f32>(d2) + f32x4.extract_lane(v, 2));
        const d3 = base + <usize>i32x4.extract_lane(off, 3);
        store<f32>(d3, load<f32>(d3) + f32x4.extract_lane(v, 3));
      }
      for (; p < plane; p++, e += 4) {
        const code = load<i32>(e);
        const d = base + <usize>(code & ~1);
        store<f32>(d, load<f32>(d) + select<f32>(-0.0, load<f32>(at(src, p)), code & 1));
      }
    }
  }
}
