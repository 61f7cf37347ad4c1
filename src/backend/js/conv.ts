/**
 * Reference im2col/col2im for NCHW images: the unfolding that turns a convolution into a GEMM.
 * Column row index = (c·kH + ky)·kW + kx, column index = oy·outW + ox.
 */

import type { Conv2dGeometry } from '../backend.js';

export function im2col(image: Float32Array, g: Conv2dGeometry, cols: Float32Array): void {
  const plane = g.outH * g.outW;
  for (let c = 0; c < g.channels; c++) {
    for (let ky = 0; ky < g.kernelH; ky++) {
      for (let kx = 0; kx < g.kernelW; kx++) {
        const row = ((c * g.kernelH + ky) * g.kernelW + kx) * plane;
        for (let oy = 0; oy < g.outH; oy++) {
          const iy = oy * g.strideH - g.padH + ky * g.dilationH;
          const inRow = iy >= 0 && iy < g.height;
          for (let ox = 0; ox < g.outW; ox++) {
            const ix = ox * g.strideW - g.padW + kx * g.dilationW;
            cols[row + oy * g.outW + ox] =
              inRow && ix >= 0 && ix < g.width ? image[(c * g.height + iy) * g.width + ix]! : 0;
          }
        }
      }
    }
  }
}

export function col2im(cols: Float32Array, g: Conv2dGeometry, image: Float32Array): void {
  image.fill(0, 0, g.channels * g.height * g.width);
  const plane = g.outH * g.outW;
  for (let c = 0; c < g.channels; c++) {
    for (let ky = 0; ky < g.kernelH; ky++) {
      for (let kx = 0; kx < g.kernelW; kx++) {
        const row = ((c * g.kernelH + ky) * g.kernelW + kx) * plane;
        for (let oy = 0; oy < g.outH; oy++) {
          const iy = oy * g.strideH - g.padH + ky * g.dilationH;
          if (iy < 0 || iy >= g.height) continue;
          for (let ox = 0; ox < g.outW; ox++) {
            const ix = ox * g.strideW - g.padW + kx * g.dilationW;
            if (ix >= 0 && ix < g.width) image[(c * g.height + iy) * g.width + ix]! += cols[row + oy * g.outW + ox]!;
          }
        }
      }
    }
  }
}
