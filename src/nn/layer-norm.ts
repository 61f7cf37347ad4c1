/**
 * LayerNorm over the last `normalizedShape` values of each sample, as PyTorch's module: each
 * group of F = prod(normalizedShape) values is normalised by its own mean and biased variance,
 * then scaled by `weight` and shifted by `bias` (both of shape normalizedShape).
 *
 * Composed from existing ops: row sums (sumCols) give the statistics, and a rank-1 GEMM with a row
 * of ones broadcasts them back over the features.
 *
 * Shape: [..., ...normalizedShape] → same.
 */

import { addRow, affine, matmul, mul, mulRow, reshape, square, sub, sumCols, unary } from '../autograd/ops.js';
import { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Module } from './module.js';

export class LayerNorm extends Module {
  readonly normalizedShape: Shape;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  private readonly features: number;

  constructor(
    normalizedShape: number | Shape,
    readonly eps = 1e-5,
    elementwiseAffine = true,
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.features = sizeOf(this.normalizedShape);
    const persistent = { persistent: true } as const;
    this.weight = elementwiseAffine ? this.registerParameter('weight', Tensor.full(this.normalizedShape, 1, persistent)) : null;
    this.bias = elementwiseAffine ? this.registerParameter('bias', Tensor.zeros(this.normalizedShape, persistent)) : null;
  }

  forward(x: Tensor): Tensor {
    const f = this.features;
    const tail = x.shape.slice(x.shape.length - this.normalizedShape.length);
    if (tail.length !== this.normalizedShape.length || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new LatentError(`LayerNorm: input of shape ${formatShape(x.shape)} does not end in ${formatShape(this.normalizedShape)}`);
    }
    const rows = x.size / f;
    const flat = reshape(x, [rows, f]);
    const ones = Tensor.full([1, f], 1);
    const spread = (perRow: Tensor): Tensor => matmul(reshape(perRow, [rows, 1]), ones);
    const centered = sub(flat, spread(affine(sumCols(flat), 1 / f)));
    const variance = affine(sumCols(square(centered)), 1 / f, this.eps);
    let y = mul(centered, spread(unary('reciprocal', unary('sqrt', variance))));
    if (this.weight && this.bias) y = addRow(mulRow(y, this.weight), this.bias);
    return reshape(y, x.shape);
  }
}
