/**
 * Gradient rules, one per op, in one typed table: a missing rule is a compile error. Each rule
 * receives its node (inputs, output, saved values) and the output gradient `dy`, and returns one
 * gradient per input (null where an input needs none). Rules call kernels directly and record
 * nothing: higher-order gradients are out of scope.
 */

import type { Activation } from '../backend/backend.js';
import { channelActivationBackward } from './channel-activation.js';
import { conv2dBackward, convTranspose2dBackward } from './conv.js';
import type { OpName } from './op-names.js';
import type { TapeNode, TapeNodeOf } from './tape.js';
import { Tensor } from './tensor.js';

type Grads = ReadonlyArray<Tensor | null>;
type RuleTable = { [K in OpName]: (node: TapeNodeOf<K>, dy: Tensor) => Grads };

/**
 * Storage for a gradient shaped like `t` that the rule's kernels then write in full (every
 * backend kernel overwrites its output), so it is not zero-filled first.
 */
function like(t: Tensor): Tensor {
  return Tensor.empty(t.shape);
}

function wants(node: TapeNode, i: number): boolean {
  return node.inputs[i]?.requiresGrad ?? false;
}

/** dx = dy · act'(pre), reading the output too where the slope is cheaper from it. */
function activationGrad(dy: Tensor, pre: Tensor, y: Tensor, act: Activation, alpha: number, dbias: Tensor | null): Tensor {
  if (act === 'identity') {
    // The slope is 1: dy itself is dx (no copy), and dbias the column sums of dy, summed in the
    // same row order as the fused kernel's.
    if (dbias) dy.backend.sumRows(dy.data, dy.rows, dy.cols, dbias.data);
    return dy;
  }
  const dx = like(dy);
  dy.backend.biasActivationBackward(dy.data, pre.data, y.data, dy.rows, dy.cols, act, alpha, dx.data, dbias ? dbias.data : null);
  return dx;
}

const rules: RuleTable = {
  matmul(node, dy) {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const { transA, transB } = node.saved;
    const backend = dy.backend;
    const [m, n] = dy.shape as [number, number];
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (wants(node, 0)) {
      // dA = dY · op(B)ᵀ, stored transposed when A was.
      da = like(a);
      const k = transB ? b.shape[1]! : b.shape[0]!;
      if (!transA) backend.gemm({ a: dy.data, b: b.data, c: da.data, m, n: k, k: n, transA: false, transB: !transB, alpha: 1, beta: 0 });
      else backend.gemm({ a: b.data, b: dy.data, c: da.data, m: k, n: m, k: n, transA: transB, transB: true, alpha: 1, beta: 0 });
    }
    if (wants(node, 1)) {
      db = like(b);
      const k = transA ? a.shape[0]! : a.shape[1]!;
      if (!transB) backend.gemm({ a: a.data, b: dy.data, c: db.data, m: k, n, k: m, transA: !transA, transB: false, alpha: 1, beta: 0 });
      else backend.gemm({ a: dy.data, b: a.data, c: db.data, m: n, n: k, k: m, transA: true, transB: transA, alpha: 1, beta: 0 });
    }
    return [da, db];
  },

  linear(node, dy) {
    const [x, w, bias] = node.inputs as [Tensor, Tensor, Tensor | undefined];
    const { act, alpha, pre, inputNonZeros } = node.saved;
    const backend = dy.backend;
    const [batch, outFeatures] = dy.shape as [number, number];
    const inFeatures = w.shape[1]!;
    const dbias = bias && bias.requiresGrad ? like(bias) : null;
    const dpre = activationGrad(dy, pre, node.output, act, alpha, dbias);
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    if (wants(node, 0)) {
      dx = like(x);
      backend.gemm({
        a: dpre.data,
        b: w.data,
        c: dx.data,
        m: batch,
        n: inFeatures,
        k: outFeatures,
        transA: false,
        transB: false,
        alpha: 1,
        beta: 0,
        // Weights are taken as dense rather than counted (401k floats for W1's widest layer,
        // every step): trained dense weights are never sparse enough for a sparse path.
        nonZeros: { b: w.size },
      });
    }
    if (wants(node, 1)) {
      dw = like(w);
      backend.gemm({
        a: dpre.data,
        b: x.data,
        c: dw.data,
        m: outFeatures,
        n: inFeatures,
        k: batch,
        transA: true,
        transB: false,
        alpha: 1,
        beta: 0,
        // x was A of the forward product: its count from there, if taken, chooses the path here.
        nonZeros: { b: inputNonZeros },
      });
    }
    return [dx, dw, dbias];
  },

  activation(node, dy) {
    const [x] = node.inputs as [Tensor];
    return [activationGrad(dy.view([1, dy.size]), x, node.output, node.saved.act, node.saved.alpha, null).view(x.shape)];
  },

  channelActivation(node, dy) {
    return channelActivationBackward(node.inputs, node.saved, node.output, dy);
  },

  add(_node, dy) {
    return [dy, dy];
  },

  sub(node, dy) {
    const db = wants(node, 1) ? like(dy) : null;
    if (db) dy.backend.affine(dy.data, -1, 0, db.data);
    return [dy, db];
  },

  mul(node, dy) {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const da = wants(node, 0) ? like(a) : null;
    const db = wants(node, 1) ? like(b) : null;
    if (da) dy.backend.binary('mul', dy.data, b.data, da.data);
    if (db) dy.backend.binary('mul', dy.data, a.data, db.data);
    return [da, db];
  },

  div(node, dy) {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const backend = dy.backend;
    let da: Tensor | null = null;
    if (wants(node, 0)) {
      da = like(a);
      backend.binary('div', dy.data, b.data, da.data);
    }
    let db: Tensor | null = null;
    if (wants(node, 1)) {
      // d(a/b)/db = -(a/b)/b = -y/b.
      db = like(b);
      backend.binary('mul', dy.data, node.output.data, db.data);
      backend.binary('div', db.data, b.data, db.data);
      backend.affine(db.data, -1, 0, db.data);
    }
    return [da, db];
  },

  affine(node, dy) {
    const dx = like(dy);
    dy.backend.affine(dy.data, node.saved.scale, 0, dx.data);
    return [dx];
  },

  unary(node, dy) {
    const [x] = node.inputs as [Tensor];
    const y = node.output;
    const backend = dy.backend;
    // sign is flat: its gradient is the only one no kernel writes.
    const dx = node.saved.op === 'sign' ? Tensor.zeros(x.shape) : like(x);
    switch (node.saved.op) {
      case 'neg':
        backend.affine(dy.data, -1, 0, dx.data);
        break;
      case 'abs':
        backend.unary('sign', x.data, dx.data);
        backend.binary('mul', dx.data, dy.data, dx.data);
        break;
      case 'sign':
        break;
      case 'exp':
        backend.binary('mul', dy.data, y.data, dx.data);
        break;
      case 'log':
        backend.binary('div', dy.data, x.data, dx.data);
        break;
      case 'sqrt':
        backend.binary('div', dy.data, y.data, dx.data);
        backend.affine(dx.data, 0.5, 0, dx.data);
        break;
      case 'square':
        backend.binary('mul', dy.data, x.data, dx.data);
        backend.affine(dx.data, 2, 0, dx.data);
        break;
      case 'reciprocal':
        // d(1/x) = -1/x² = -y².
        backend.unary('square', y.data, dx.data);
        backend.binary('mul', dx.data, dy.data, dx.data);
        backend.affine(dx.data, -1, 0, dx.data);
        break;
    }
    return [dx];
  },

  sum(node, dy) {
    const [x] = node.inputs as [Tensor];
    return [Tensor.full(x.shape, dy.item())];
  },

  mean(node, dy) {
    const [x] = node.inputs as [Tensor];
    return [Tensor.full(x.shape, dy.item() / x.size)];
  },

  sumCols(node, dy) {
    const [x] = node.inputs as [Tensor];
    // Broadcast dy[r] along each row: an outer product with a row of ones.
    const ones = Tensor.full([1, x.cols], 1);
    const dx = like(x);
    dy.backend.gemm({ a: dy.data, b: ones.data, c: dx.data, m: x.rows, n: x.cols, k: 1, transA: false, transB: false, alpha: 1, beta: 0 });
    return [dx];
  },

  addRow(node, dy) {
    const [, v] = node.inputs as [Tensor, Tensor];
    let dv: Tensor | null = null;
    if (wants(node, 1)) {
      dv = like(v);
      dy.backend.sumRows(dy.data, dy.rows, dy.cols, dv.data);
    }
    return [dy, dv];
  },

  mulRow(node, dy) {
    const [x, v] = node.inputs as [Tensor, Tensor];
    const backend = dy.backend;
    let dx: Tensor | null = null;
    let dv: Tensor | null = null;
    if (wants(node, 0)) {
      dx = like(x);
      backend.columnAffine(dy.data, v.data, null, dy.rows, dy.cols, dx.data);
    }
    if (wants(node, 1)) {
      const prod = like(x);
      backend.binary('mul', dy.data, x.data, prod.data);
      dv = like(v);
      backend.sumRows(prod.data, dy.rows, dy.cols, dv.data);
    }
    return [dx, dv];
  },

  bceLogits(node, dy) {
    const [z, t] = node.inputs as [Tensor, Tensor];
    // d/dz = sigmoid(z) - t.
    const dz = like(z);
    const backend = dy.backend;
    backend.biasActivation(z.data, null, 1, z.size, 'sigmoid', 0, dz.data);
    backend.binary('sub', dz.data, t.data, dz.data);
    backend.binary('mul', dz.data, dy.data, dz.data);
    return [dz, null];
  },

  bceMean(node, dy) {
    const { grad } = node.saved;
    const upstream = dy.item();
    // The usual case: the mean is the objective (dy = 1), and the forward pass wrote dz already.
    if (upstream === 1) return [grad, null];
    const dz = like(grad);
    dy.backend.affine(grad.data, upstream, 0, dz.data);
    return [dz, null];
  },

  view(node, dy) {
    return [dy.view(node.saved.inputShape)];
  },

  conv2d(node, dy) {
    return conv2dBackward(node.inputs, node.saved.geometry, dy, node.saved.cols);
  },

  convTranspose2d(node, dy) {
    return convTranspose2dBackward(node.inputs, node.saved.geometry, dy, node.saved.xt);
  },

  maxPool2d(node, dy) {
    const [x] = node.inputs as [Tensor];
    const dx = like(x);
    dy.backend.maxPool2dBackward(dy.data, node.saved.argmax.data, node.saved.geometry, dx.data);
    return [dx];
  },

  upsample2d(node, dy) {
    const [x] = node.inputs as [Tensor];
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const { scaleH, scaleW, mode, alignCorners } = node.saved;
    const dx = like(x);
    dy.backend.upsample2dBackward(dy.data, n * c, h, w, scaleH, scaleW, mode, alignCorners, dx.data);
    return [dx];
  },
};

/** Input gradients of `node` given its output gradient. */
export function applyGradRule(node: TapeNode, dy: Tensor): Grads {
  return (rules[node.op] as (n: TapeNode, d: Tensor) => Grads)(node, dy);
}
