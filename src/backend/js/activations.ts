/**
 * Scalar maths of every activation and unary op, shared by the reference kernels.
 *
 * GELU is the tanh approximation (PyTorch `nn.GELU(approximate='tanh')`), chosen because it needs
 * only exp/tanh, which every backend and ONNX Runtime compute identically enough for float32.
 */

import type { Activation, BinaryOp, UnaryOp } from '../backend.js';

const GELU_C = Math.sqrt(2 / Math.PI);

export function sigmoid(x: number): number {
  // Split by sign so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function activate(act: Activation, alpha: number, x: number): number {
  switch (act) {
    case 'identity':
      return x;
    case 'relu':
      return x > 0 ? x : 0;
    case 'leakyRelu':
      return x > 0 ? x : alpha * x;
    case 'elu':
      return x > 0 ? x : alpha * Math.expm1(x);
    case 'gelu':
      return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return Math.tanh(x);
    case 'softplus':
      return softplus(x);
  }
}

/** d act / d pre, given the pre-activation `x` and the output `y`. */
export function activationSlope(act: Activation, alpha: number, x: number, y: number): number {
  switch (act) {
    case 'identity':
      return 1;
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'leakyRelu':
      return x > 0 ? 1 : alpha;
    case 'elu':
      return x > 0 ? 1 : y + alpha;
    case 'gelu': {
      const inner = GELU_C * (x + 0.044715 * x * x * x);
      const t = Math.tanh(inner);
      const dInner = GELU_C * (1 + 3 * 0.044715 * x * x);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner;
    }
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    case 'softplus':
      return sigmoid(x);
  }
}

export function unaryOp(op: UnaryOp, x: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'sign':
      return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'square':
      return x * x;
    case 'reciprocal':
      return 1 / x;
  }
}

export function binaryOp(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'max':
      return a > b ? a : b;
    case 'min':
      return a < b ? a : b;
  }
}
