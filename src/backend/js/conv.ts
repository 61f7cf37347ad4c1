/**
 * Reference im2col/col2im for batches of NCHW images: the unfolding that turns a convolution of
 * the whole batch into one GEMM. Column row index = (c·kH + ky)·kW + kx, column index =
 * n·outH·outW + oy·outW + ox. Also the axis swap that moves between [N, C, ·] and [C, N, ·].
 */

import type { Conv2dGeometry } from '../backend.js';

export function im2col(images: Float32Array, g: Conv2dGeometry, cols: Float32Array, batch: number): void {
  const plane = g.outH * g.outW;
  const stride = batch * plane;
  const imageSize = g.channels * g.height * g.width;
  for (let n = 0; n < batch; n++) {
    const image = n * imageSize;
    for (let c = 0; c < g.channels; c++) {
      for (let ky = 0; ky < g.kernelH; ky++) {
        for (let kx = 0; kx < g.kernelW; kx++) {
          const row = ((c * g.kernelH + ky) * g.kernelW + kx) * stride + n * plane;
          for (let oy = 0; oy < g.outH; oy++) {
            const iy = oy * g.strideH - g.padH + ky * g.dilationH;
            const inRow = iy >= 0 && iy < g.height;
            for (let ox = 0; ox < g.outW; ox++) {
              const ix = ox * g.strideW - g.padW + kx * g.dilationW;
              cols[row + oy * g.outW + ox] = inRow && ix >= 0 && ix < g.width ? images[image + (c * g.height + iy) * g.width + ix]! : 0;
            }
          }
        }
      }
    }
  }
}

export function col2im(cols: Float32Array, g: Conv2dGeometry, images: Float32Array, batch: number): void {
  const imageSize = g.channels * g.height * g.width;
  images.fill(0, 0, batch * imageSize);
  const plane = g.outH * g.outW;
  const stride = batch * plane;
  for (let n = 0; n < batch; n++) {
    const image = n * imageSize;
    for (let c = 0; c < g.channels; c++) {
      for (let ky = 0; ky < g.kernelH; ky++) {
        for (let kx = 0; kx < g.kernelW; kx++) {
          const row = ((c * g.kernelH + ky) * g.kernelW + kx) * stride + n * plane;
          for (let oy = 0; oy < g.outH; oy++) {
            const iy = oy * g.strideH - g.padH + ky * g.dilationH;
            if (iy < 0 || iy >= g.height) continue;
            for (let ox = 0; ox < g.outW; ox++) {
              const ix = ox * g.strideW - g.padW + kx * g.dilationW;
              if (ix >= 0 && ix < g.width) images[image + (c * g.height + iy) * g.width + ix]! += cols[row + oy * g.outW + ox]!;
            }
          }
        }
      }
    }
  }
}

export function swapAxes(x: Float32Array, a: number, b: number, inner: number, out: Float32Array): void {
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const src = (i * b + j) * inner;
      const dst = (j * a + i) * inner;
      for (let k = 0; k < inner; k++) out[dst + k] = x[src + k]!;
    }
  }
}

/** out[n, o, p] = Σ_t w[o, t] · cols[t, n·plane + p] (+ bias[o]); see Backend.columnsToChannels. */
export function columnsToChannels(
  w: Float32Array,
  cols: Float32Array,
  bias: Float32Array | null,
  batch: number,
  rows: number,
  depth: number,
  plane: number,
  out: Float32Array,
): void {
  const stride = batch * plane;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < rows; o++) {
      const dst = (n * rows + o) * plane;
      for (let p = 0; p < plane; p++) {
        let sum = 0;
        for (let t = 0; t < depth; t++) sum += w[o * depth + t]! * cols[t * stride + n * plane + p]!;
        out[dst + p] = sum + (bias ? bias[o]! : 0);
      }
    }
  }
}

/** cols[t, n·plane + p] = Σ_c w[c, t] · x[n, c, p]; see Backend.channelsToColumns. */
export function channelsToColumns(
  w: Float32Array,
  x: Float32Array,
  batch: number,
  channels: number,
  depth: number,
  plane: number,
  cols: Float32Array,
): void {
  const stride = batch * plane;
  for (let n = 0; n < batch; n++) {
    for (let t = 0; t < depth; t++) {
      const dst = t * stride + n * plane;
      for (let p = 0; p < plane; p++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += w[c * depth + t]! * x[(n * channels + c) * plane + p]!;
        cols[dst + p] = sum;
      }
    }
  }
}

/** dw[o, t] (+)= Σ_n Σ_p g[n, o, p] · cols[t, n·plane + p]; see Backend.channelColumnsGrad. */
export function channelColumnsGrad(
  g: Float32Array,
  cols: Float32Array,
  batch: number,
  rows: number,
  depth: number,
  plane: number,
  dw: Float32Array,
  accumulate: boolean,
): void {
  const stride = batch * plane;
  for (let o = 0; o < rows; o++) {
    for (let t = 0; t < depth; t++) {
      let sum = 0;
      for (let n = 0; n < batch; n++) {
        const gRow = (n * rows + o) * plane;
        const cRow = t * stride + n * plane;
        for (let p = 0; p < plane; p++) sum += g[gRow + p]! * cols[cRow + p]!;
      }
      dw[o * depth + t] = accumulate ? dw[o * depth + t]! + sum : sum;
    }
  }
}
