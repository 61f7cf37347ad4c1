/**
 * The column product of a transposed convolution (conv_transpose2d's forward pass, conv2d's input
 * gradient) folded into its images one sample at a time:
 *
 *   image[n] = col2im(Wᵀ · x[n])   for x [batch, channels, plane] (NCHW), W [channels, depth]
 *
 * where depth = C·kH·kW is the column side of the image geometry at `g` (C its channels) and
 * plane = outH·outW. The batched path swaps x to [channels, batch·plane], writes the whole column
 * matrix [depth, batch·plane] (W2: 288 × 6,272 floats, 7.2 MB) to memory and reads it back in
 * col2im. Here a block of samples' columns [depth, block·plane] (W2: 8 samples, 451 KB, within
 * the L2 cache) are computed into a per-thread buffer and scattered into those samples' images
 * while still in cache; the block's x is swapped in cache too, and a block of one sample reads x
 * in place (a sample's x[n] is already [channels, plane], the layout the product wants).
 *
 * The product takes the dense packed GEMM (gemm.ts) or, when the caller found x mostly zeros
 * (ReLU activations and their gradients), the sparse right-operand path (gemm-sparse.ts), with
 * Wᵀ packed once per call by the caller (a packSlivers job) and shared by every thread, so a
 * job may be cut into as many chunks as balance wants without packing W again in each.
 *
 * Invariants: on the packed and sparse paths every column value is the same product the batched
 * path computes (each C value depends only on its depth slices, not on how many columns a call
 * spans), and col2im runs per (sample, channel) unit as in the batched path, so the images equal
 * the batched path's bit for bit (the direct path of a depth ≤ 16 product rounds its ragged
 * column tail apart from its vector lanes, and a block's tail is not the batch's: there they
 * agree within float32 tolerance). Blocks are fixed by the batch alone and always computed the
 * same way, so splitting them among threads gives the same bits. `scratch`
 * is the thread's GEMM scratch, used in turn by the product and (phase-plane geometries) by
 * col2im; `buffer` is private to the thread and holds channels·block·plane floats of swapped x
 * (blocks of more than one sample), then depth·block·plane floats of columns.
 */

import { col2im, swapAxes } from './conv';
import { gemm } from './gemm';
import { gemmSparseB } from './gemm-sparse';

// @ts-ignore: decorator
@inline
function gi(g: usize, index: i32): i32 {
  return <i32>load<f64>(g + (<usize>index << 3));
}

/**
 * Samples [n0, n1) of image = col2im(Wᵀ · x), in blocks of `block` samples starting at multiples
 * of `block` (the caller splits threads on those multiples, so every block is the same whatever
 * the thread count). `g` holds the 13 Conv2dGeometry fields (the image side), then the batch and
 * the tap table, as the im2col/col2im jobs lay them out; `phases` picks col2im's phase-plane path
 * (the caller checked the geometry and the scratch size). `packed` is W ([channels, depth], the
 * sparse path's op(A)ᵀ) packed into slivers over its whole depth for the sparse path, 0 for the
 * dense one.
 */
export function channelsToImage(
  w: usize, x: usize, image: usize, g: usize, channels: i32, packed: usize, phases: bool, block: i32,
  n0: i32, n1: i32, scratch: usize, buffer: usize,
): void {
  const imageChannels = gi(g, 0), height = gi(g, 1), width = gi(g, 2);
  const depth = imageChannels * gi(g, 3) * gi(g, 4);
  const plane = gi(g, 11) * gi(g, 12);
  const sparse = packed != 0;
  const xt = buffer;
  const cols = xt + (<usize>(block > 1 ? channels * block * plane : 0) << 2);
  const xBytes = <usize>(channels * plane) << 2;
  const imageBytes = <usize>(imageChannels * height * width) << 2;
  for (let s = n0; s < n1; s += block) {
    const count = min(block, n1 - s);
    const columns = count * plane;
    // One sample's x is already [channels, plane]; a block's is swapped to [channels, count·plane].
    let b = x + <usize>s * xBytes;
    if (block > 1) {
      swapAxes(b, count, channels, plane, xt, 0, channels);
      b = xt;
    }
    if (sparse) gemmSparseB(b, packed, cols, depth, columns, channels, 1, 0, columns, scratch, 0, false);
    else gemm(w, b, cols, depth, columns, channels, 1, 0, 1, 0, 0, depth, 0, columns, scratch);
    col2im(cols, image + <usize>s * imageBytes, g, count, 0, imageChannels * count, phases ? scratch : 0);
  }
}
