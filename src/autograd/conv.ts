/**
 * Convolution ops over NCHW tensors, built from the backend's im2col/col2im and GEMM kernels. The
 * batch is unfolded into one column matrix [C·kH·kW, N·outH·outW], so each direction of each op
 * is one large GEMM (plus an axis swap between [N, O, ·] and [O, N, ·]) instead of N small ones;
 * batches whose columns would pass `COLUMN_BUDGET` floats run in chunks of samples.
 *
 * - conv2d:          x [N, C, H, W] ⊛ weight [O, C, kH, kW] (+ bias [O]) → [N, O, outH, outW]
 * - convTranspose2d: the adjoint of conv2d, weight [Cin, Cout, kH, kW] as in PyTorch;
 *   out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 *
 * Invariant: the geometry saved for backward always describes the *image* side of im2col (the
 * conv input for conv2d, the conv-transpose output for convTranspose2d), so one geometry serves
 * both directions. Backward passes recompute the columns instead of saving them (memory over time).
 *
 * Deeper columns of the transposed product (convTranspose2d's forward pass, conv2d's input
 * gradient) go through the backend's optional channelsToImage where it has one: the columns of
 * a few samples at a time, folded into their images while still in cache, with no swap and no
 * batch-wide column matrix.
 *
 * Shallow columns (K = channels·kH·kW ≤ THIN_CONV_DEPTH, e.g. a 3×3 layer over one channel) skip
 * the GEMM and the axis swaps: the backend's columnsToChannels / channelsToColumns /
 * channelColumnsGrad multiply straight between the columns and the NCHW tensors. Forward and
 * backward decide by the same test on the saved geometry, so they always agree on the path.
 */

import type { Conv2dGeometry } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { needsGrad, record } from './tape.js';
import { Tensor } from './tensor.js';

/** A size given once for both axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  readonly stride?: Pair;
  readonly padding?: Pair;
  readonly dilation?: Pair;
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  readonly outputPadding?: Pair;
}

/** [height, width] of a `Pair`, checked to be whole numbers ≥ `min`. */
export function pair(value: Pair | undefined, fallback: number, name: string, min: number): [number, number] {
  const [h, w] = value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : value;
  for (const v of [h, w]) {
    if (!Number.isInteger(v) || v < min) throw new LatentError(`convolution ${name} must be a whole number ≥ ${min}, got ${v}`);
  }
  return [h, w];
}

/** Output size of a convolution along one axis. */
export function convOutSize(size: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Output size of a transposed convolution along one axis. */
export function convTransposeOutSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  outputPad: number,
): number {
  return (size - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPad + 1;
}

function assert4d(op: string, name: string, t: Tensor): [number, number, number, number] {
  if (t.shape.length !== 4) throw new LatentError(`${op}: ${name} must be 4-D, got shape ${formatShape(t.shape)}`);
  const [a, b, c, d] = t.shape;
  return [a!, b!, c!, d!];
}

function checkBias(op: string, bias: Tensor | null, channels: number): void {
  if (bias && bias.size !== channels) {
    throw new LatentError(`${op}: bias has ${bias.size} values, the layer has ${channels} output channels`);
  }
}

/** Sizes of a convolution's input and weight, checked against each other and the bias. */
interface ConvOperands {
  readonly n: number;
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  /** The weight's other channel axis: output channels of the op. */
  readonly outChannels: number;
  readonly kernelH: number;
  readonly kernelW: number;
}

/**
 * Check x [N, C, H, W] against the weight, whose input-channel axis is `inAxis` (1 for conv2d's
 * [O, C, kH, kW], 0 for convTranspose2d's [Cin, Cout, kH, kW]), and the bias against the output
 * channels.
 */
function convOperands(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, inAxis: 0 | 1): ConvOperands {
  const [n, inChannels, height, width] = assert4d(op, 'input', x);
  const [w0, w1, kernelH, kernelW] = assert4d(op, 'weight', weight);
  const [wIn, outChannels] = inAxis === 1 ? [w1, w0] : [w0, w1];
  if (wIn !== inChannels) {
    throw new LatentError(
      `${op}: input has ${inChannels} channels (shape ${formatShape(x.shape)}), the weight expects ${wIn} (shape ${formatShape(weight.shape)})`,
    );
  }
  checkBias(op, bias, outChannels);
  return { n, inChannels, height, width, outChannels, kernelH, kernelW };
}

/** Stride, padding and dilation of both axes, as the geometry names them. */
function convSteps(options: Conv2dOptions): Pick<Conv2dGeometry, 'strideH' | 'strideW' | 'padH' | 'padW' | 'dilationH' | 'dilationW'> {
  const [strideH, strideW] = pair(options.stride, 1, 'stride', 1);
  const [padH, padW] = pair(options.padding, 0, 'padding', 0);
  const [dilationH, dilationW] = pair(options.dilation, 1, 'dilation', 1);
  return { strideH, strideW, padH, padW, dilationH, dilationW };
}

/**
 * Deepest columns that take the direct products instead of GEMM + axis swap. Timed by CPU time
 * on cold operands (32 channels of 14×14, batch 128), the direct products beat GEMM + swap at
 * K = 9 (W2's 1→32 and 32→1 layers) and K = 16, are about level at K = 27, and the forward
 * product loses from K = 36, where the packed micro-kernel pulls ahead.
 */
export const THIN_CONV_DEPTH = 16;

/** Most floats of one column matrix; bigger batches are processed in chunks of samples. */
const COLUMN_BUDGET = 1 << 23;

/** A scratch tensor outside any scope, released by the caller with dispose(); kernels fill it. */
function scratch(size: number): Tensor {
  return Tensor.empty([size], { persistent: true });
}

/** A chunk buffer, and whether the tape keeps it for the backward pass. */
interface WeightGradBuffer {
  readonly tensor: Tensor;
  readonly kept: boolean;
}

/**
 * A chunk buffer that the weight gradient needs again (conv2d's columns, convTranspose2d's swapped
 * input). When one chunk holds the whole batch and dW will be computed, it is a tensor of the
 * step's scope that the tape keeps for the backward pass; otherwise it is scratch.
 */
function weightGradBuffer(perSample: number, chunk: number, n: number, weight: Tensor, inputs: readonly Tensor[]): WeightGradBuffer {
  const kept = chunk === n && weight.requiresGrad && needsGrad(inputs);
  return { tensor: kept ? Tensor.empty([perSample * n]) : scratch(perSample * chunk), kept };
}

/** The buffer for the tape when kept; scratch is released here. */
function forBackward(buffer: WeightGradBuffer): Tensor | null {
  if (buffer.kept) return buffer.tensor;
  buffer.tensor.dispose();
  return null;
}

/** Samples per chunk so that `perSample` floats × chunk stays within the column budget. */
function chunkSize(n: number, perSample: number): number {
  return Math.max(1, Math.min(n, Math.floor(COLUMN_BUDGET / Math.max(1, perSample))));
}

/** dbias[c] = Σ_n Σ_l dy[n, c, l]. */
function channelBiasGrad(dy: Tensor, n: number, channels: number, plane: number): Tensor {
  const perRow = scratch(n * channels);
  dy.backend.sumCols(dy.data, n * channels, plane, perRow.data);
  const dbias = Tensor.empty([channels]);
  dy.backend.sumRows(perRow.data, n, channels, dbias.data);
  perRow.dispose();
  return dbias;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch's conv2d) without groups.
 *
 * Shape: x [N, C, H, W], weight [O, C, kH, kW], bias [O] → [N, O, outH, outW].
 *
 * @example
 * const y = conv2d(x, weight, bias, { stride: 2, padding: 1 }); // [N, O, ⌈H/2⌉, ⌈W/2⌉]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const { n, inChannels: channels, height, width, outChannels, kernelH, kernelW } = convOperands('conv2d', x, weight, bias, 1);
  const steps = convSteps(options);
  const { strideH, strideW, padH, padW, dilationH, dilationW } = steps;
  const outH = convOutSize(height, kernelH, strideH, padH, dilationH);
  const outW = convOutSize(width, kernelW, strideW, padW, dilationW);
  if (outH < 1 || outW < 1) {
    throw new LatentError(
      `conv2d: a ${kernelH}x${kernelW} kernel (dilation ${dilationH}x${dilationW}, padding ${padH}x${padW}) does not fit a ${height}x${width} input`,
      'use a smaller kernel or more padding, or fewer downsampling layers',
    );
  }
  const geometry: Conv2dGeometry = { channels, height, width, kernelH, kernelW, ...steps, outH, outW };
  const out = Tensor.empty([n, outChannels, outH, outW]);
  const backend = out.backend;
  const k = channels * kernelH * kernelW;
  const plane = outH * outW;
  const image = channels * height * width;
  const chunk = chunkSize(n, k * plane);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const thin = k <= THIN_CONV_DEPTH;
  // The weight gradient multiplies by the same columns.
  const colsBuffer = weightGradBuffer(k * plane, chunk, n, weight, inputs);
  const cols = colsBuffer.tensor;
  const product = scratch(thin ? 0 : outChannels * chunk * plane);
  for (let start = 0; start < n; start += chunk) {
    const b = Math.min(chunk, n - start);
    const outSlice = out.data.subarray(start * outChannels * plane, (start + b) * outChannels * plane);
    backend.im2col(x.data.subarray(start * image, (start + b) * image), geometry, cols.data, b);
    if (thin) {
      // Straight into [b, O, P], bias included.
      backend.columnsToChannels(weight.data, cols.data, bias ? bias.data : null, b, outChannels, k, plane, outSlice);
      continue;
    }
    // [O, K] · [K, b·P] = [O, b·P], then to [b, O, P].
    backend.gemm({
      a: weight.data,
      b: cols.data,
      c: product.data,
      m: outChannels,
      n: b * plane,
      k,
      transA: false,
      transB: false,
      alpha: 1,
      beta: 0,
    });
    backend.swapAxes(product.data, outChannels, b, plane, outSlice);
  }
  const keptCols = forBackward(colsBuffer);
  product.dispose();
  if (bias && !thin) backend.channelBias(out.data, bias.data, n, outChannels, plane, out.data);
  if (needsGrad(inputs)) record('conv2d', inputs, out, { geometry, cols: keptCols });
  return out;
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input), as PyTorch's
 * conv_transpose2d without groups.
 *
 * Shape: x [N, Cin, H, W], weight [Cin, Cout, kH, kW], bias [Cout] → [N, Cout, outH, outW].
 *
 * @example
 * const y = convTranspose2d(x, weight, bias, { stride: 2, padding: 1, outputPadding: 1 }); // doubles H, W
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  const { n, inChannels, height, width, outChannels: channels, kernelH, kernelW } = convOperands('convTranspose2d', x, weight, bias, 0);
  const steps = convSteps(options);
  const { strideH, strideW, padH, padW, dilationH, dilationW } = steps;
  const [opH, opW] = pair(options.outputPadding, 0, 'output padding', 0);
  if ((opH >= strideH && opH >= dilationH) || (opW >= strideW && opW >= dilationW)) {
    throw new LatentError(`convTranspose2d: output padding ${opH}x${opW} must be smaller than the stride or the dilation`);
  }
  const outH = convTransposeOutSize(height, kernelH, strideH, padH, dilationH, opH);
  const outW = convTransposeOutSize(width, kernelW, strideW, padW, dilationW, opW);
  if (outH < 1 || outW < 1) {
    throw new LatentError(`convTranspose2d: padding ${padH}x${padW} leaves no output for a ${height}x${width} input`, 'use less padding');
  }
  // The image side of im2col is this op's output; its "columns" side is this op's input.
  const geometry: Conv2dGeometry = { channels, height: outH, width: outW, kernelH, kernelW, ...steps, outH: height, outW: width };
  const out = Tensor.empty([n, channels, outH, outW]);
  const backend = out.backend;
  const k = channels * kernelH * kernelW;
  const plane = height * width;
  const outImage = channels * outH * outW;
  const chunk = chunkSize(n, k * plane);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const thin = k <= THIN_CONV_DEPTH;
  if (!thin && backend.channelsToImage) {
    // A few samples' columns at a time, folded into their images (no swap, no batch-wide
    // columns); the backward pass swaps x for the weight gradient itself.
    backend.channelsToImage(weight.data, x.data, n, inChannels, geometry, out.data);
    if (bias) backend.channelBias(out.data, bias.data, n, channels, outH * outW, out.data);
    if (needsGrad(inputs)) record('convTranspose2d', inputs, out, { geometry, xt: null });
    return out;
  }
  // The weight gradient multiplies by the same swapped input (the thin path reads x as it is).
  const xtBuffer = thin ? { tensor: scratch(0), kept: false } : weightGradBuffer(inChannels * plane, chunk, n, weight, inputs);
  const cols = scratch(k * chunk * plane);
  const xt = xtBuffer.tensor;
  for (let start = 0; start < n; start += chunk) {
    const b = Math.min(chunk, n - start);
    const xSlice = x.data.subarray(start * inChannels * plane, (start + b) * inChannels * plane);
    const outSlice = out.data.subarray(start * outImage, (start + b) * outImage);
    if (thin) {
      backend.channelsToColumns(weight.data, xSlice, b, inChannels, k, plane, cols.data);
      backend.col2im(cols.data, geometry, outSlice, b);
      continue;
    }
    // x [b, Cin, P] to [Cin, b·P]; Wᵀ [K, Cin] · that = columns [K, b·P], folded into the output.
    backend.swapAxes(xSlice, b, inChannels, plane, xt.data);
    backend.gemm({
      a: weight.data,
      b: xt.data,
      c: cols.data,
      m: k,
      n: b * plane,
      k: inChannels,
      transA: true,
      transB: false,
      alpha: 1,
      beta: 0,
    });
    backend.col2im(cols.data, geometry, outSlice, b);
  }
  cols.dispose();
  const keptXt = forBackward(xtBuffer);
  if (bias) backend.channelBias(out.data, bias.data, n, channels, outH * outW, out.data);
  if (needsGrad(inputs)) record('convTranspose2d', inputs, out, { geometry, xt: keptXt });
  return out;
}

type Grads = Array<Tensor | null>;

/** Input, weight and bias gradients of conv2d. */
export function conv2dBackward(inputs: readonly Tensor[], geometry: Conv2dGeometry, dy: Tensor, forwardCols: Tensor | null): Grads {
  const [x, weight, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
  const g = geometry;
  const backend = dy.backend;
  const n = x.shape[0]!;
  const outChannels = weight.shape[0]!;
  const k = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  const image = g.channels * g.height * g.width;
  const chunk = forwardCols ? n : chunkSize(n, k * plane);
  const thin = k <= THIN_CONV_DEPTH;
  const dx = x.requiresGrad ? Tensor.empty(x.shape) : null;
  const dw = weight.requiresGrad ? Tensor.empty(weight.shape) : null;
  // dX straight from dy into the images, a few samples' columns at a time, where the backend can.
  const toImage = thin ? undefined : backend.channelsToImage?.bind(backend);
  const fusedDx = toImage !== undefined;
  const dyt = scratch(thin || (fusedDx && !dw) ? 0 : outChannels * chunk * plane);
  // Own columns are needed to rebuild dW's (unless the forward pass kept them) and for dX.
  const cols = scratch((dx && !fusedDx) || (dw && !forwardCols) ? k * chunk * plane : 0);
  for (let start = 0; start < n; start += chunk) {
    const b = Math.min(chunk, n - start);
    if (thin) {
      // dy stays [b, O, P]: the direct products read it in place.
      const dySlice = dy.data.subarray(start * outChannels * plane, (start + b) * outChannels * plane);
      if (dw) {
        if (!forwardCols) backend.im2col(x.data.subarray(start * image, (start + b) * image), g, cols.data, b);
        backend.channelColumnsGrad(dySlice, (forwardCols ?? cols).data, b, outChannels, k, plane, dw.data, start > 0);
      }
      if (dx) {
        backend.channelsToColumns(weight.data, dySlice, b, outChannels, k, plane, cols.data);
        backend.col2im(cols.data, g, dx.data.subarray(start * image, (start + b) * image), b);
      }
      continue;
    }
    const dySlice = dy.data.subarray(start * outChannels * plane, (start + b) * outChannels * plane);
    const dxSlice = dx ? dx.data.subarray(start * image, (start + b) * image) : null;
    if (dxSlice && toImage) toImage(weight.data, dySlice, b, outChannels, g, dxSlice);
    if (!dw && toImage) continue;
    // dy [b, O, P] to [O, b·P], the layout of the forward GEMM's product.
    backend.swapAxes(dySlice, b, outChannels, plane, dyt.data);
    if (dw) {
      if (!forwardCols) backend.im2col(x.data.subarray(start * image, (start + b) * image), g, cols.data, b);
      backend.gemm({
        a: dyt.data,
        b: (forwardCols ?? cols).data,
        c: dw.data,
        m: outChannels,
        n: k,
        k: b * plane,
        transA: false,
        transB: true,
        alpha: 1,
        beta: start === 0 ? 0 : 1,
      });
    }
    if (dxSlice && !fusedDx) {
      backend.gemm({
        a: weight.data,
        b: dyt.data,
        c: cols.data,
        m: k,
        n: b * plane,
        k: outChannels,
        transA: true,
        transB: false,
        alpha: 1,
        beta: 0,
      });
      backend.col2im(cols.data, g, dxSlice, b);
    }
  }
  cols.dispose();
  dyt.dispose();
  const dbias = bias && bias.requiresGrad ? channelBiasGrad(dy, n, outChannels, plane) : null;
  return [dx, dw, dbias];
}

/** Input, weight and bias gradients of convTranspose2d; `forwardXt` is the forward pass's swapped input, if kept. */
export function convTranspose2dBackward(inputs: readonly Tensor[], geometry: Conv2dGeometry, dy: Tensor, forwardXt: Tensor | null): Grads {
  const [x, weight, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
  const g = geometry;
  const backend = dy.backend;
  const n = x.shape[0]!;
  const inChannels = weight.shape[0]!;
  const k = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  const outImage = g.channels * g.height * g.width;
  const chunk = forwardXt ? n : chunkSize(n, k * plane);
  const thin = k <= THIN_CONV_DEPTH;
  const cols = scratch(k * chunk * plane);
  const dx = x.requiresGrad ? Tensor.empty(x.shape) : null;
  const dw = weight.requiresGrad ? Tensor.empty(weight.shape) : null;
  // Holds dx in [Cin, b·P] and, unless the forward pass kept it, x swapped the same way.
  const xt = scratch(!thin && (dx || !forwardXt) ? inChannels * chunk * plane : 0);
  for (let start = 0; start < n; start += chunk) {
    const b = Math.min(chunk, n - start);
    const slice = (t: Tensor): Float32Array => t.data.subarray(start * inChannels * plane, (start + b) * inChannels * plane);
    backend.im2col(dy.data.subarray(start * outImage, (start + b) * outImage), g, cols.data, b);
    if (thin) {
      // x and dx stay [b, Cin, P]: the direct products read and write them in place.
      if (dx) backend.columnsToChannels(weight.data, cols.data, null, b, inChannels, k, plane, slice(dx));
      if (dw) backend.channelColumnsGrad(slice(x), cols.data, b, inChannels, k, plane, dw.data, start > 0);
      continue;
    }
    if (dx) {
      // W [Cin, K] · columns [K, b·P] = [Cin, b·P], then back to [b, Cin, P].
      backend.gemm({
        a: weight.data,
        b: cols.data,
        c: xt.data,
        m: inChannels,
        n: b * plane,
        k,
        transA: false,
        transB: false,
        alpha: 1,
        beta: 0,
      });
      backend.swapAxes(xt.data, inChannels, b, plane, slice(dx));
    }
    if (dw) {
      if (!forwardXt) backend.swapAxes(slice(x), b, inChannels, plane, xt.data);
      backend.gemm({
        a: (forwardXt ?? xt).data,
        b: cols.data,
        c: dw.data,
        m: inChannels,
        n: k,
        k: b * plane,
        transA: false,
        transB: true,
        alpha: 1,
        beta: start === 0 ? 0 : 1,
      });
    }
  }
  cols.dispose();
  xt.dispose();
  const dbias = bias && bias.requiresGrad ? channelBiasGrad(dy, n, g.channels, g.height * g.width) : null;
  return [dx, dw, dbias];
}
