/**
 * The closed list of differentiable ops and what each saves for its backward pass. Adding an op
 * here without a rule in `grad-rules.ts` is a type error.
 */

import type { Activation, Conv2dGeometry, UnaryOp, UpsampleMode } from '../backend/backend.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from './tensor.js';

export interface SavedByOp {
  matmul: { readonly transA: boolean; readonly transB: boolean };
  /** y = act(x · Wᵀ + b): `pre` is x · Wᵀ + b, `y` the output. */
  /** `inputNonZeros`: the input's non-zero count when the forward product took one. */
  linear: { readonly act: Activation; readonly alpha: number; readonly pre: Tensor; readonly inputNonZeros: number | undefined };
  activation: { readonly act: Activation; readonly alpha: number };
  /** y = act(x + bias[c]) over [N, C, ...]: `pre` is x + bias (x itself without a bias). */
  channelActivation: { readonly act: Activation; readonly alpha: number; readonly pre: Tensor };
  add: Record<string, never>;
  sub: Record<string, never>;
  mul: Record<string, never>;
  div: Record<string, never>;
  affine: { readonly scale: number };
  unary: { readonly op: UnaryOp };
  sum: Record<string, never>;
  mean: Record<string, never>;
  sumCols: Record<string, never>;
  addRow: Record<string, never>;
  mulRow: Record<string, never>;
  bceLogits: Record<string, never>;
  /** The gradient of the mean with respect to z, (sigmoid(z) - t)/n, written by the forward pass. */
  bceMean: { readonly grad: Tensor };
  view: { readonly inputShape: Shape };
  /**
   * Geometry of the image side of im2col (the conv input), and the forward pass's column matrix
   * of the whole batch when the weight gradient will need it (null when it was built in chunks).
   */
  conv2d: { readonly geometry: Conv2dGeometry; readonly cols: Tensor | null };
  /**
   * Geometry of the image side of im2col (the conv-transpose output), and the forward pass's input
   * swapped to [Cin, N·H·W] when the weight gradient will need it (null when built in chunks).
   */
  convTranspose2d: { readonly geometry: Conv2dGeometry; readonly xt: Tensor | null };
  /** Pooling geometry with the batch folded into channels; argmax has the output's shape. */
  maxPool2d: { readonly geometry: Conv2dGeometry; readonly argmax: Tensor };
  upsample2d: { readonly scaleH: number; readonly scaleW: number; readonly mode: UpsampleMode; readonly alignCorners: boolean };
}

export type OpName = keyof SavedByOp;
export type SavedOf<K extends OpName> = SavedByOp[K];
