/**
 * im2col / col2im for one NCHW image, split by channel ranges [c0, c1) (channels touch disjoint
 * rows of `cols` and disjoint planes of the image, so threads never overlap).
 *
 * Layout matches the reference: column row = (c·kH + ky)·kW + kx, column index = oy·outW + ox.
 * For each (c, ky, kx, oy) the valid ox range is computed once, so the inner loops carry no
 * bounds tests; col2im adds in the reference's order, so its sums match it exactly.
 *
 * The geometry arrives as 13 consecutive float64 slots at `g`, in Conv2dGeometry field order.
 */

// @ts-ignore: decorator
@inline
function gi(g: usize, index: i32): i32 {
  return <i32>load<f64>(g + (<usize>index << 3));
}

// @ts-ignore: decorator
@inline
function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
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

export function im2col(image: usize, cols: usize, g: usize, c0: i32, c1: i32): void {
  const height = gi(g, 1), width = gi(g, 2);
  const kH = gi(g, 3), kW = gi(g, 4), sH = gi(g, 5), sW = gi(g, 6);
  const pH = gi(g, 7), pW = gi(g, 8), dH = gi(g, 9), dW = gi(g, 10);
  const outH = gi(g, 11), outW = gi(g, 12);
  const plane = outH * outW;
  for (let c = c0; c < c1; c++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = ((c * kH + ky) * kW + kx) * plane;
        const off = kx * dW - pW;
        const lo = min(outW, firstInside(off, sW));
        const hi = max(lo, min(outW, endInside(off, sW, width)));
        for (let oy = 0; oy < outH; oy++) {
          const dst = at(cols, row + oy * outW);
          const iy = oy * sH - pH + ky * dH;
          if (iy < 0 || iy >= height) {
            memory.fill(dst, 0, <usize>outW << 2);
            continue;
          }
          if (lo > 0) memory.fill(dst, 0, <usize>lo << 2);
          const src = at(image, (c * height + iy) * width + off);
          if (sW == 1) {
            memory.copy(at(dst, lo), at(src, lo), <usize>(hi - lo) << 2);
          } else {
            for (let ox = lo; ox < hi; ox++) store<f32>(at(dst, ox), load<f32>(at(src, ox * sW)));
          }
          if (hi < outW) memory.fill(at(dst, hi), 0, <usize>(outW - hi) << 2);
        }
      }
    }
  }
}

export function col2im(cols: usize, image: usize, g: usize, c0: i32, c1: i32): void {
  const height = gi(g, 1), width = gi(g, 2);
  const kH = gi(g, 3), kW = gi(g, 4), sH = gi(g, 5), sW = gi(g, 6);
  const pH = gi(g, 7), pW = gi(g, 8), dH = gi(g, 9), dW = gi(g, 10);
  const outH = gi(g, 11), outW = gi(g, 12);
  const plane = outH * outW;
  if (c1 > c0) memory.fill(at(image, c0 * height * width), 0, <usize>((c1 - c0) * height * width) << 2);
  for (let c = c0; c < c1; c++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = ((c * kH + ky) * kW + kx) * plane;
        const off = kx * dW - pW;
        const lo = min(outW, firstInside(off, sW));
        const hi = max(lo, min(outW, endInside(off, sW, width)));
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sH - pH + ky * dH;
          if (iy < 0 || iy >= height) continue;
          const src = at(cols, row + oy * outW);
          const dst = at(image, (c * height + iy) * width + off);
          let ox = lo;
          if (sW == 1) {
            for (; ox + 4 <= hi; ox += 4) {
              v128.store(at(dst, ox), f32x4.add(v128.load(at(dst, ox)), v128.load(at(src, ox))));
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
