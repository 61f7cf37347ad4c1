/**
 * Differentiable ops: each computes its forward pass with backend kernels and, when an input needs
 * grad, records a tape node. The matching backward rules live in `grad-rules.ts`.
 *
 * Shapes are checked here, so a mismatch names the op and both shapes instead of reading out of
 * bounds inside a kernel.
 */

import type { Activation, GemmNonZeros, UnaryOp } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { formatShape, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import { needsGrad, record } from './tape.js';
import { Tensor } from './tensor.js';

export { channelActivation } from './channel-activation.js';
export { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions, type Pair } from './conv.js';
export { maxPool2d, upsample2d, type MaxPool2dOptions, type UpsampleOptions } from './pool.js';

function assertSame(op: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new LatentError(`${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} differ`);
  }
}

function assertMatrix(op: string, name: string, t: Tensor): void {
  if (t.shape.length !== 2) throw new LatentError(`${op}: ${name} must be 2-D, got shape ${formatShape(t.shape)}`);
}

/** op(A) · op(B) for 2-D tensors; `transA`/`transB` read A or B as stored transposed. */
export function matmul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  assertMatrix('matmul', 'A', a);
  assertMatrix('matmul', 'B', b);
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    throw new LatentError(
      `matmul: inner sizes differ (${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transB ? 'ᵀ' : ''})`,
    );
  }
  const out = Tensor.empty([m, n]);
  out.backend.gemm({ a: a.data, b: b.data, c: out.data, m, n, k, transA, transB, alpha: 1, beta: 0 });
  if (needsGrad([a, b])) record('matmul', [a, b], out, { transA, transB });
  return out;
}

/**
 * y = act(x · Wᵀ + b) with W stored [out, in] as in PyTorch; one GEMM and one fused
 * bias+activation kernel.
 *
 * Shape: x [batch, in], weight [out, in], bias [out] → [batch, out].
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null, act: Activation = 'identity', alpha = 0): Tensor {
  assertMatrix('linear', 'input', x);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.shape[1] !== inFeatures) {
    throw new LatentError(`linear: input has ${x.shape[1]} features per row, the layer expects ${inFeatures}`);
  }
  const batch = x.shape[0]!;
  const pre = Tensor.empty([batch, outFeatures]);
  const backend = pre.backend;
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const inference = !needsGrad(inputs);
  // The input's non-zero count, when the backend takes one here, serves the weight gradient too
  // (x is B of that product), so x is counted once per step.
  const inputNonZeros: GemmNonZeros = {};
  backend.gemm({
    a: x.data,
    // Read, not written: leaves the weight's version, and so a packed copy of it, valid.
    b: weight.readData(),
    c: pre.data,
    m: batch,
    n: outFeatures,
    k: inFeatures,
    transA: false,
    transB: true,
    alpha: 1,
    beta: 0,
    nonZeros: inputNonZeros,
    // Inference: the backend may keep the weight packed across calls. Not in training, where
    // the weight changes every step and a kept copy would be packed once and used once, nor for
    // a weight made for this call (not persistent: a layer's parameters are).
    ...(inference && weight.isPersistent ? { frozenB: weight } : {}),
  });
  if (inference || act === 'identity') {
    // Inference: activate in place, one buffer per layer. The identity's backward reads neither
    // the pre-activation nor the output, so in training too the bias goes into the product in
    // place and that one buffer is the output (W1's 128×784 logits: one pass and buffer fewer).
    if (bias || act !== 'identity') backend.biasActivation(pre.data, bias ? bias.data : null, batch, outFeatures, act, alpha, pre.data);
    if (!inference) record('linear', inputs, pre, { act, alpha, pre, inputNonZeros: inputNonZeros.a });
    return pre;
  }
  const y = Tensor.empty([batch, outFeatures]);
  // Keep the pre-activation including the bias (the backward kernel reads act'(pre)): the same
  // pass that activates adds the bias into `pre` in place.
  backend.biasActivation(pre.data, bias ? bias.data : null, batch, outFeatures, act, alpha, y.data, bias ? pre.data : null);
  record('linear', inputs, y, { act, alpha, pre, inputNonZeros: inputNonZeros.a });
  return y;
}

/** Elementwise activation. */
export function activation(x: Tensor, act: Activation, alpha = 0): Tensor {
  const out = Tensor.empty(x.shape);
  out.backend.biasActivation(x.data, null, 1, x.size, act, alpha, out.data);
  if (needsGrad([x])) record('activation', [x], out, { act, alpha });
  return out;
}

function binary(op: 'add' | 'sub' | 'mul' | 'div', a: Tensor, b: Tensor): Tensor {
  assertSame(op, a, b);
  const out = Tensor.empty(a.shape);
  out.backend.binary(op, a.data, b.data, out.data);
  if (needsGrad([a, b])) record(op, [a, b], out, {});
  return out;
}

export const add = (a: Tensor, b: Tensor): Tensor => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor): Tensor => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor): Tensor => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor): Tensor => binary('div', a, b);

/** x * scale + shift. */
export function affine(x: Tensor, scale: number, shift = 0): Tensor {
  const out = Tensor.empty(x.shape);
  out.backend.affine(x.data, scale, shift, out.data);
  if (needsGrad([x])) record('affine', [x], out, { scale });
  return out;
}

export const scale = (x: Tensor, factor: number): Tensor => affine(x, factor, 0);

/** Elementwise neg, abs, sign, exp, log, sqrt, square, reciprocal. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  const out = Tensor.empty(x.shape);
  out.backend.unary(op, x.data, out.data);
  if (needsGrad([x])) record('unary', [x], out, { op });
  return out;
}

export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);

/** Sum of all elements, shape []. */
export function sum(x: Tensor): Tensor {
  const out = Tensor.from([x.backend.sum(x.data)], []);
  if (needsGrad([x])) record('sum', [x], out, {});
  return out;
}

/** Mean of all elements, shape []. */
export function mean(x: Tensor): Tensor {
  const out = Tensor.from([x.backend.sum(x.data) / x.size], []);
  if (needsGrad([x])) record('mean', [x], out, {});
  return out;
}

/** Per-row sums of a [rows, cols] tensor, shape [rows]. */
export function sumCols(x: Tensor): Tensor {
  const rows = x.rows;
  const out = Tensor.empty([rows]);
  out.backend.sumCols(x.data, rows, x.cols, out.data);
  if (needsGrad([x])) record('sumCols', [x], out, {});
  return out;
}

/** x[r, c] + v[c]. */
export function addRow(x: Tensor, v: Tensor): Tensor {
  checkRowVector('addRow', x, v);
  const out = Tensor.empty(x.shape);
  out.backend.columnAffine(x.data, null, v.data, x.rows, x.cols, out.data);
  if (needsGrad([x, v])) record('addRow', [x, v], out, {});
  return out;
}

/** x[r, c] · v[c]. */
export function mulRow(x: Tensor, v: Tensor): Tensor {
  checkRowVector('mulRow', x, v);
  const out = Tensor.empty(x.shape);
  out.backend.columnAffine(x.data, v.data, null, x.rows, x.cols, out.data);
  if (needsGrad([x, v])) record('mulRow', [x, v], out, {});
  return out;
}

function checkRowVector(op: string, x: Tensor, v: Tensor): void {
  if (v.size !== x.cols) {
    throw new LatentError(`${op}: vector of ${v.size} values does not match rows of ${x.cols} values (${formatShape(x.shape)})`);
  }
}

/**
 * Elementwise binary cross-entropy of logits z against targets t in [0, 1], computed stably:
 * max(z, 0) - z·t + log(1 + e^{-|z|}). Targets get no gradient.
 */
export function bceWithLogits(z: Tensor, t: Tensor): Tensor {
  assertSame('bceWithLogits', z, t);
  const out = Tensor.empty(z.shape);
  out.backend.bceLogits(z.data, t.data, out.data);
  if (needsGrad([z])) record('bceLogits', [z, t], out, {});
  return out;
}

/**
 * Mean binary cross-entropy of logits z against targets t, shape []: equal to
 * mean(bceWithLogits(z, t)), but the forward pass also writes the gradient (sigmoid(z) - t)/n in
 * the same pass, so no array of loss terms is made and the backward pass is free when the loss
 * is the objective itself (its gradient is 1). Targets get no gradient.
 */
export function bceWithLogitsMean(z: Tensor, t: Tensor): Tensor {
  assertSame('bceWithLogitsMean', z, t);
  const grad = needsGrad([z]) ? Tensor.empty(z.shape) : null;
  const total = z.backend.bceLogitsGrad(z.data, t.data, 1 / z.size, grad ? grad.data : null);
  const out = Tensor.from([total / z.size], []);
  if (grad) record('bceMean', [z, t], out, { grad });
  return out;
}

/** The same values with another shape (a view: no copy). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  if (sizeOf(shape) !== x.size) {
    throw new LatentError(`reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  const out = x.view(shape);
  if (needsGrad([x])) record('view', [x], out, { inputShape: x.shape });
  return out;
}
