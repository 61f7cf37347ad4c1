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
