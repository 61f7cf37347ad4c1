/**
 * JsBackend: the plain-TypeScript reference implementation of the Backend contract. It runs
 * everywhere, and every other backend is tested against it kernel by kernel.
 *
 * Storage is ordinary Float32Arrays, pooled by length so that a training loop reuses the same
 * buffers step after step instead of churning the garbage collector.
 */

import type { Activation, AdamArgs, AdamSlot, Backend, BinaryOp, Conv2dGeometry, GemmArgs, UnaryOp, UpsampleMode } from '../backend.js';
import { activate, activationSlope, binaryOp, sigmoid, unaryOp } from './activations.js';
import { channelColumnsGrad, channelsToColumns, col2im, columnsToChannels, im2col, swapAxes } from './conv.js';
import { gemm } from './gemm.js';
import { maxPool2d, maxPool2dBackward, upsample2d, upsample2dBackward } from './pool.js';

/** Pools keep at most this many free buffers of one length (beyond it, let the GC have them). */
const MAX_FREE_PER_LENGTH = 64;

export class JsBackend implements Backend {
  readonly name = 'js';
  readonly threads = 1;
  private readonly free = new Map<number, Float32Array[]>();
  private live = 0;

  /**
   * Uninitialized storage comes filled with NaN: as the reference backend, this one makes any
   * caller that reads storage it asked not to have cleared fail loudly in tests.
   */
  alloc(length: number, uninitialized = false): Float32Array {
    this.live++;
    const reused = this.free.get(length)?.pop();
    const buffer = reused ?? new Float32Array(length);
    // A fresh array is zeros already.
    if (uninitialized) buffer.fill(Number.NaN);
    else if (reused) buffer.fill(0);
    return buffer;
  }

  release(buffer: Float32Array): void {
    this.live--;
    let list = this.free.get(buffer.length);
    if (!list) this.free.set(buffer.length, (list = []));
    if (list.length < MAX_FREE_PER_LENGTH) list.push(buffer);
  }

  liveBuffers(): number {
    return this.live;
  }

  gemm(args: GemmArgs): void {
    gemm(args);
  }

  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void {
    for (let i = 0; i < x.length; i++) out[i] = unaryOp(op, x[i]!);
  }

  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
    for (let i = 0; i < a.length; i++) out[i] = binaryOp(op, a[i]!, b[i]!);
  }

  affine(x: Float32Array, scale: number, shift: number, out: Float32Array): void {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! * scale + shift;
  }

  axpy(a: Float32Array, alpha: number, b: Float32Array, out: Float32Array): void {
    for (let i = 0; i < a.length; i++) out[i] = a[i]! + alpha * b[i]!;
  }

  clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void {
    for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(x[i]!, lo), hi);
  }

  biasActivation(
    x: Float32Array,
    bias: Float32Array | null,
    rows: number,
    cols: number,
    act: Activation,
    alpha: number,
    out: Float32Array,
    pre: Float32Array | null = null,
  ): void {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const v = x[base + c]! + (bias ? bias[c]! : 0);
        if (pre) pre[base + c] = v;
        out[base + c] = activate(act, alpha, v);
      }
    }
  }

  biasActivationBackward(
    dy: Float32Array,
    pre: Float32Array,
    y: Float32Array,
    rows: number,
    cols: number,
    act: Activation,
    alpha: number,
    dx: Float32Array,
    dbias: Float32Array | null,
  ): void {
    const n = rows * cols;
    for (let i = 0; i < n; i++) dx[i] = dy[i]! * activationSlope(act, alpha, pre[i]!, y[i]!);
    if (dbias) this.sumRows(dx, rows, cols, dbias);
  }

  columnAffine(
    x: Float32Array,
    scale: Float32Array | null,
    shift: Float32Array | null,
    rows: number,
    cols: number,
    out: Float32Array,
  ): void {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) out[base + c] = x[base + c]! * (scale ? scale[c]! : 1) + (shift ? shift[c]! : 0);
    }
  }

  channelBias(x: Float32Array, bias: Float32Array, batch: number, channels: number, plane: number, out: Float32Array): void {
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        const base = (n * channels + c) * plane;
        const b = bias[c]!;
        for (let l = 0; l < plane; l++) out[base + l] = x[base + l]! + b;
      }
    }
  }

  channelBiasActivation(
    x: Float32Array,
    bias: Float32Array | null,
    batch: number,
    channels: number,
    plane: number,
    act: Activation,
    alpha: number,
    out: Float32Array,
    pre: Float32Array | null,
  ): void {
    for (let r = 0; r < batch * channels; r++) {
      const base = r * plane;
      const b = bias ? bias[r % channels]! : 0;
      for (let l = 0; l < plane; l++) {
        const v = Math.fround(x[base + l]! + b);
        if (pre) pre[base + l] = v;
        out[base + l] = activate(act, alpha, v);
      }
    }
  }

  channelActivationBackward(
    dy: Float32Array,
    pre: Float32Array,
    y: Float32Array,
    batch: number,
    channels: number,
    plane: number,
    act: Activation,
    alpha: number,
    dx: Float32Array,
    dbias: Float32Array | null,
  ): void {
    const n = batch * channels * plane;
    for (let i = 0; i < n; i++) dx[i] = dy[i]! * activationSlope(act, alpha, pre[i]!, y[i]!);
    if (!dbias) return;
    // The same two sums as a separate bias gradient: per plane, then over samples.
    const perPlane = new Float32Array(batch * channels);
    this.sumCols(dx, batch * channels, plane, perPlane);
    this.sumRows(perPlane, batch, channels, dbias);
  }

  sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    out.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) out[c]! += x[base + c]!;
    }
  }

  sumCols(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let acc = 0;
      for (let c = 0; c < cols; c++) acc += x[base + c]!;
      out[r] = acc;
    }
  }

  sum(x: Float32Array): number {
    let acc = 0;
    for (let i = 0; i < x.length; i++) acc += x[i]!;
    return acc;
  }

  sumSquares(x: Float32Array): number {
    let acc = 0;
    for (let i = 0; i < x.length; i++) acc += x[i]! * x[i]!;
    return acc;
  }

  bceLogits(z: Float32Array, t: Float32Array, out: Float32Array): void {
    for (let i = 0; i < z.length; i++) {
      const zi = z[i]!;
      out[i] = Math.max(zi, 0) - zi * t[i]! + Math.log1p(Math.exp(-Math.abs(zi)));
    }
  }

  bceLogitsGrad(z: Float32Array, t: Float32Array, scale: number, grad: Float32Array | null): number {
    let total = 0;
    for (let i = 0; i < z.length; i++) {
      const zi = z[i]!;
      const ti = t[i]!;
      total += Math.fround(Math.max(zi, 0) - zi * ti + Math.log1p(Math.exp(-Math.abs(zi))));
      if (grad) grad[i] = (sigmoid(zi) - ti) * scale;
    }
    return total;
  }

  adamGroup(slots: readonly AdamSlot[], args: AdamArgs): void {
    for (const { param, grad, m, v } of slots) this.adam(param, grad, m, v, args);
  }

  adam(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, args: AdamArgs): void {
    const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = args;
    const correction1 = 1 - Math.pow(beta1, step);
    const correction2 = 1 - Math.pow(beta2, step);
    const stepSize = lr / correction1;
    const decay = decoupled ? 1 - lr * weightDecay : 1;
    for (let i = 0; i < param.length; i++) {
      const g = decoupled ? grad[i]! : grad[i]! + weightDecay * param[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      const denom = Math.sqrt(v[i]! / correction2) + eps;
      param[i] = param[i]! * decay - (stepSize * m[i]!) / denom;
    }
  }

  im2col(images: Float32Array, geometry: Conv2dGeometry, cols: Float32Array, batch: number): void {
    im2col(images, geometry, cols, batch);
  }

  col2im(cols: Float32Array, geometry: Conv2dGeometry, images: Float32Array, batch: number): void {
    col2im(cols, geometry, images, batch);
  }

  swapAxes(x: Float32Array, a: number, b: number, inner: number, out: Float32Array): void {
    swapAxes(x, a, b, inner, out);
  }

  columnsToChannels(
    w: Float32Array,
    cols: Float32Array,
    bias: Float32Array | null,
    batch: number,
    rows: number,
    depth: number,
    plane: number,
    out: Float32Array,
  ): void {
    columnsToChannels(w, cols, bias, batch, rows, depth, plane, out);
  }

  channelsToColumns(
    w: Float32Array,
    x: Float32Array,
    batch: number,
    channels: number,
    depth: number,
    plane: number,
    cols: Float32Array,
  ): void {
    channelsToColumns(w, x, batch, channels, depth, plane, cols);
  }

  channelColumnsGrad(
    g: Float32Array,
    cols: Float32Array,
    batch: number,
    rows: number,
    depth: number,
    plane: number,
    dw: Float32Array,
    accumulate: boolean,
  ): void {
    channelColumnsGrad(g, cols, batch, rows, depth, plane, dw, accumulate);
  }

  maxPool2d(image: Float32Array, geometry: Conv2dGeometry, out: Float32Array, argmax: Float32Array): void {
    maxPool2d(image, geometry, out, argmax);
  }

  maxPool2dBackward(dy: Float32Array, argmax: Float32Array, geometry: Conv2dGeometry, dx: Float32Array): void {
    maxPool2dBackward(dy, argmax, geometry, dx);
  }

  upsample2d(
    x: Float32Array,
    channels: number,
    h: number,
    w: number,
    scaleH: number,
    scaleW: number,
    mode: UpsampleMode,
    alignCorners: boolean,
    out: Float32Array,
  ): void {
    upsample2d(x, channels, h, w, scaleH, scaleW, mode, alignCorners, out);
  }

  upsample2dBackward(
    dy: Float32Array,
    channels: number,
    h: number,
    w: number,
    scaleH: number,
    scaleW: number,
    mode: UpsampleMode,
    alignCorners: boolean,
    dx: Float32Array,
  ): void {
    upsample2dBackward(dy, channels, h, w, scaleH, scaleW, mode, alignCorners, dx);
  }
}
