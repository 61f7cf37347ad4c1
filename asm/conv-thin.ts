/**
 * Convolution products with a shallow column side (K = channels·kH·kW of at most a few taps: a
 * 3×3 layer over one channel), computed straight between NCHW tensors and im2col columns.
 *
 * Through the general GEMM such a product has a dimension of 9: its micro-tiles are mostly
 * padding or its packing costs as much as the arithmetic, and the NCHW side needs an axis swap
 * ([N, C, P] ↔ [C, N·P]) before or after. Here the weights (K·C floats) stay in L1 and the NCHW
 * tensor is read or written in place:
 *
 * - columnsToChannels: out[n, o, p] = Σ_t w[o, t] · cols[t, n·P + p] (+ bias[o]), split by samples.
 * - channelsToColumns: cols[t, n·P + p] = Σ_c w[c, t] · x[n, c, p], split by samples.
 * - channelColumnsGrad: dw[o, t] (+)= Σ_n Σ_p g[n, o, p] · cols[t, n·P + p], split by rows o.
 *
 * Columns have the layout of conv.ts: row t holds batch·P floats. Every output value is summed
 * in one fixed order that does not depend on the split, so results are the same bits on any
 * number of threads. No call allocates; channelColumnsGrad keeps its running sums in the
 * calling thread's scratch.
 */

import { at } from './address';
import { madd } from './fma';

/** Samples [n0, n1) of out[n, o, p] = Σ_t w[o·K + t] · cols[t·batch·P + n·P + p] (+ bias[o], 0 for none). */
export function columnsToChannels(
  w: usize,
  cols: usize,
  bias: usize,
  out: usize,
  batch: i32,
  rows: i32,
  depth: i32,
  plane: i32,
  n0: i32,
  n1: i32,
): void {
  const stride = <usize>(batch * plane) << 2;
  for (let n = n0; n < n1; n++) {
    const src = at(cols, n * plane);
    for (let o = 0; o < rows; o += 4) {
      // Rows past the end repeat the last row (their sums are computed and dropped).
      const o1 = min(o + 1, rows - 1), o2 = min(o + 2, rows - 1), o3 = min(o + 3, rows - 1);
      const w0 = at(w, o * depth), w1 = at(w, o1 * depth), w2 = at(w, o2 * depth), w3 = at(w, o3 * depth);
      const b0 = bias ? load<f32>(at(bias, o)) : 0, b1 = bias ? load<f32>(at(bias, o1)) : 0;
      const b2 = bias ? load<f32>(at(bias, o2)) : 0, b3 = bias ? load<f32>(at(bias, o3)) : 0;
      const d0 = at(out, (n * rows + o) * plane), d1 = at(out, (n * rows + o1) * plane);
      const d2 = at(out, (n * rows + o2) * plane), d3 = at(out, (n * rows + o3) * plane);
      let p = 0;
      for (; p + 8 <= plane; p += 8) {
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
        let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
        let c = at(src, p);
        for (let t = 0; t < depth; t++, c += stride) {
          const x0 = v128.load(c), x1 = v128.load(c, 16);
          const o = <usize>t << 2;
          let s = v128.load32_splat(w0 + o);
          a00 = madd(s, x0, a00);
          a01 = madd(s, x1, a01);
          s = v128.load32_splat(w1 + o);
          a10 = madd(s, x0, a10);
          a11 = madd(s, x1, a11);
          s = v128.load32_splat(w2 + o);
          a20 = madd(s, x0, a20);
          a21 = madd(s, x1, a21);
          s = v128.load32_splat(w3 + o);
          a30 = madd(s, x0, a30);
          a31 = madd(s, x1, a31);
        }
        const q = <usize>p << 2;
        v128.store(d3 + q, f32x4.add(a30, f32x4.splat(b3)));
        v128.store(d3 + q, f32x4.add(a31, f32x4.splat(b3)), 16);
        v128.store(d2 + q, f32x4.add(a20, f32x4.splat(b2)));
        v128.store(d2 + q, f32x4.add(a21, f32x4.splat(b2)), 16);
        v128.store(d1 + q, f32x4.add(a10, f32x4.splat(b1)));
        v128.store(d1 + q, f32x4.add(a11, f32x4.splat(b1)), 16);
        v128.store(d0 + q, f32x4.add(a00, f32x4.splat(b0)));
        v128.store(d0 + q, f32x4.add(a01, f32x4.splat(b0)), 16);
      }
      for (; p + 4 <= plane; p += 4) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let c = at(src, p);
        for (let t = 0; t < depth; t++, c += stride) {
          const x0 = v128.load(c);
          const o = <usize>t << 2;
          a0 = madd(v128.load32_splat(w0 + o), x0, a0);
          a1 = madd(v128.load32_splat(w1 + o), x0, a1);
          a2 = madd(v128.load32_splat(w2 + o), x0, a2);
          a3 = madd(v128.load32_splat(w3 + o), x0, a3);
        }
        const q = <usize>p << 2;
        v128.store(d3 + q, f32x4.add(a3, f32x4.splat(b3)));
        v128.store(d2 + q, f32x4.add(a2, f32x4.splat(b2)));
        v128.store(d1 + q, f32x4.add(a1, f32x4.splat(b1)));
        v128.store(d0 + q, f32x4.add(a0, f32x4.splat(b0)));
      }
      for (; p < plane; p++) {
        let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
        let c = at(src, p);
        for (let t = 0; t < depth; t++, c += stride) {
          const x = load<f32>(c);
          const o = <usize>t << 2;
          s0 += load<f32>(w0 + o) * x;
          s1 += load<f32>(w1 + o) * x;
          s2 += load<f32>(w2 + o) * x;
          s3 += load<f32>(w3 + o) * x;
        }
        const q = <usize>p << 2;
        store<f32>(d3 + q, s3 + b3);
        store<f32>(d2 + q, s2 + b2);
        store<f32>(d1 + q, s1 + b1);
        store<f32>(d0 + q, s0 + b0);
      }
    }
  }
}

/** Samples [n0, n1) of cols[t·batch·P + n·P + p] = Σ_c w[c·K + t] · x[(n·C + c)·P + p]. */
export function channelsToColumns(
  w: usize,
  x: usize,
  cols: usize,
  batch: i32,
  channels: i32,
  depth: i32,
  plane: i32,
  n0: i32,
  n1: i32,
): void {
  const stride = batch * plane;
  const channelBytes = <usize>plane << 2;
  const wStep = <usize>depth << 2;
  for (let n = n0; n < n1; n++) {
    const src = at(x, n * channels * plane);
    for (let t = 0; t < depth; t += 4) {
      // Taps past the end repeat the last tap (their sums are computed and dropped).
      const t1 = min(t + 1, depth - 1), t2 = min(t + 2, depth - 1), t3 = min(t + 3, depth - 1);
      const d0 = at(cols, t * stride + n * plane), d1 = at(cols, t1 * stride + n * plane);
      const d2 = at(cols, t2 * stride + n * plane), d3 = at(cols, t3 * stride + n * plane);
      const o0 = <usize>t << 2, o1 = <usize>t1 << 2, o2 = <usize>t2 << 2, o3 = <usize>t3 << 2;
      let p = 0;
      for (; p + 8 <= plane; p += 8) {
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
        let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
        let s = at(src, p), wc = w;
        for (let c = 0; c < channels; c++, s += channelBytes, wc += wStep) {
          const x0 = v128.load(s), x1 = v128.load(s, 16);
          let k = v128.load32_splat(wc + o0);
          a00 = madd(k, x0, a00);
          a01 = madd(k, x1, a01);
          k = v128.load32_splat(wc + o1);
          a10 = madd(k, x0, a10);
          a11 = madd(k, x1, a11);
          k = v128.load32_splat(wc + o2);
          a20 = madd(k, x0, a20);
          a21 = madd(k, x1, a21);
          k = v128.load32_splat(wc + o3);
          a30 = madd(k, x0, a30);
          a31 = madd(k, x1, a31);
        }
        const q = <usize>p << 2;
        v128.store(d3 + q, a30);
        v128.store(d3 + q, a31, 16);
        v128.store(d2 + q, a20);
        v128.store(d2 + q, a21, 16);
        v128.store(d1 + q, a10);
        v128.store(d1 + q, a11, 16);
        v128.store(d0 + q, a00);
        v128.store(d0 + q, a01, 16);
      }
      for (; p + 4 <= plane; p += 4) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let s = at(src, p), wc = w;
        for (let c = 0; c < channels; c++, s += channelBytes, wc += wStep) {
          const x0 = v128.load(s);
          a0 = madd(v128.load32_splat(wc + o0), x0, a0);
          a1 = madd(v128.load32_splat(wc + o1), x0, a1);
          a2 = madd(v128.load32_splat(wc + o2), x0, a2);
          a3 = madd(v128.load32_splat(wc + o3), x0, a3);
        }
        const q = <usize>p << 2;
        v128.store(d3 + q, a3);
        v128.store(d2 + q, a2);
        v128.store(d1 + q, a1);
        v128.store(d0 + q, a0);
      }
      for (; p < plane; p++) {
        let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
        let s = at(src, p), wc = w;
        for (let c = 0; c < channels; c++, s += channelBytes, wc += wStep) {
          const v = load<f32>(s);
          s0 += load<f32>(wc + o0) * v;
          s1 += load<f32>(wc + o1) * v;
          s2 += load<f32>(wc + o2) * v;
          s3 += load<f32>(wc + o3) * v;
        }
        const q = <usize>p << 2;
        store<f32>(d3 + q, s3);
        store<f32>(d2 + q, s2);
        store<f32>(d1 + q, s1);
        store<f32>(d0 + q, s0);
      }
    }
  }
}

/** Floats of scratch per (row, tap) pair of channelColumnsGrad: four lane sums and a tail sum, padded. */
const PARTIAL_FLOATS: i32 = 8;
/** Columns (samples × plane) read per pass, so that a pass's rows stay in L1/L2 between tap pairs. */
const SPAN_FLOATS: i32 = 2048;

/**
 * Rows [o0, o1) of dw[o·K + t] = Σ_n Σ_p g[(n·R + o)·P + p] · cols[t·batch·P + n·P + p], added to
 * dw when `accumulate`. Sums run over samples in spans; per (o, t) the four lanes sum p ≡ 0..3
 * (mod 4) over every sample in order, the p tail (P mod 4) sums apart, and the five are added at
 * the end, the same way for any split of the rows. `scratch` holds `scratchFloats` floats.
 */
export function channelColumnsGrad(
  g: usize,
  cols: usize,
  dw: usize,
  batch: i32,
  rows: i32,
  depth: i32,
  plane: i32,
  accumulate: bool,
  o0: i32,
  o1: i32,
  scratch: usize,
  scratchFloats: i32,
): void {
  const stride = <usize>(batch * plane) << 2;
  const vectorEnd = plane & ~3;
  const span = max(1, SPAN_FLOATS / max(1, plane));
  // Rows per group, so that a group's running sums fit in the scratch.
  const group = max(4, (scratchFloats / (PARTIAL_FLOATS * depth)) & ~3);
  for (let g0 = o0; g0 < o1; g0 += group) {
    const g1 = min(o1, g0 + group);
    // Running sums of pair (o, t) at scratch + ((o − g0)·K + t)·PARTIAL_FLOATS.
    memory.fill(scratch, 0, <usize>((g1 - g0) * depth * PARTIAL_FLOATS) << 2);
    for (let nb = 0; nb < batch; nb += span) {
      const ne = min(batch, nb + span);
      for (let o = g0; o < g1; o += 4) {
        const r1 = min(o + 1, g1 - 1), r2 = min(o + 2, g1 - 1), r3 = min(o + 3, g1 - 1);
        for (let t = 0; t < depth; t += 2) {
          const u = min(t + 1, depth - 1);
          // Rows and taps past the end repeat the last one; only real pairs are written back.
          const e00 = partial(scratch, o - g0, t, depth), e01 = partial(scratch, o - g0, u, depth);
          const e10 = partial(scratch, r1 - g0, t, depth), e11 = partial(scratch, r1 - g0, u, depth);
          const e20 = partial(scratch, r2 - g0, t, depth), e21 = partial(scratch, r2 - g0, u, depth);
          const e30 = partial(scratch, r3 - g0, t, depth), e31 = partial(scratch, r3 - g0, u, depth);
          let a00 = v128.load(e00), a01 = v128.load(e01), a10 = v128.load(e10), a11 = v128.load(e11);
          let a20 = v128.load(e20), a21 = v128.load(e21), a30 = v128.load(e30), a31 = v128.load(e31);
          let s00 = load<f32>(e00, 16), s01 = load<f32>(e01, 16), s10 = load<f32>(e10, 16), s11 = load<f32>(e11, 16);
          let s20 = load<f32>(e20, 16), s21 = load<f32>(e21, 16), s30 = load<f32>(e30, 16), s31 = load<f32>(e31, 16);
          for (let n = nb; n < ne; n++) {
            const q0 = at(g, (n * rows + o) * plane), q1 = at(g, (n * rows + r1) * plane);
            const q2 = at(g, (n * rows + r2) * plane), q3 = at(g, (n * rows + r3) * plane);
            const c0 = at(cols, n * plane) + <usize>t * stride, c1 = at(cols, n * plane) + <usize>u * stride;
            for (let p = 0; p < vectorEnd; p += 4) {
              const b = <usize>p << 2;
              const x0 = v128.load(c0 + b), x1 = v128.load(c1 + b);
              let y = v128.load(q0 + b);
              a00 = madd(y, x0, a00);
              a01 = madd(y, x1, a01);
              y = v128.load(q1 + b);
              a10 = madd(y, x0, a10);
              a11 = madd(y, x1, a11);
              y = v128.load(q2 + b);
              a20 = madd(y, x0, a20);
              a21 = madd(y, x1, a21);
              y = v128.load(q3 + b);
              a30 = madd(y, x0, a30);
              a31 = madd(y, x1, a31);
            }
            for (let p = vectorEnd; p < plane; p++) {
              const b = <usize>p << 2;
              const x0 = load<f32>(c0 + b), x1 = load<f32>(c1 + b);
              let y = load<f32>(q0 + b);
              s00 += y * x0;
              s01 += y * x1;
              y = load<f32>(q1 + b);
              s10 += y * x0;
              s11 += y * x1;
              y = load<f32>(q2 + b);
              s20 += y * x0;
              s21 += y * x1;
              y = load<f32>(q3 + b);
              s30 += y * x0;
              s31 += y * x1;
            }
          }
          // Write back from the last pair to the first, so a repeated pair keeps its own sums.
          keep(e31, a31, s31);
          keep(e30, a30, s30);
          keep(e21, a21, s21);
          keep(e20, a20, s20);
          keep(e11, a11, s11);
          keep(e10, a10, s10);
          keep(e01, a01, s01);
          keep(e00, a00, s00);
        }
      }
    }
    for (let o = g0; o < g1; o++) {
      for (let t = 0; t < depth; t++) {
        const e = partial(scratch, o - g0, t, depth);
        const lanes = v128.load(e);
        const sum =
          f32x4.extract_lane(lanes, 0) + f32x4.extract_lane(lanes, 1) +
          (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3)) +
          load<f32>(e, 16);
        const d = at(dw, o * depth + t);
        store<f32>(d, accumulate ? load<f32>(d) + sum : sum);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function partial(scratch: usize, row: i32, tap: i32, depth: i32): usize {
  return scratch + (<usize>((row * depth + tap) * PARTIAL_FLOATS) << 2);
}

// @ts-ignore: decorator
@inline
function keep(e: usize, lanes: v128, tail: f32): void {
  v128.store(e, lanes);
  store<f32>(e, tail, 16);
}
