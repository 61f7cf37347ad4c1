/**
 * The two ways PCA finds its principal axes, both in float64 on already-centred data (row-major
 * n × d): SVD of the data, or eigendecomposition of Xᵀ X for tall data. Both return components as
 * row-major k × d with variances s² / (n − 1), largest first; `flipSigns` applies scikit-learn's
 * sign convention so the two agree.
 */

import { EigenvalueDecomposition, Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';

export interface Decomposition {
  /** Row-major k × d. */
  readonly components: Float64Array;
  readonly variances: Float64Array;
}

/** Right singular vectors of the centred data. */
export function bySvd(centred: Float64Array, n: number, d: number, k: number): Decomposition {
  const m = new MlMatrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m.set(i, j, centred[i * d + j]!);
  const svd = new SingularValueDecomposition(m, { computeLeftSingularVectors: false, autoTranspose: true });
  const s = svd.diagonal;
  const v = svd.rightSingularVectors;
  const order = descendingOrder(s);
  const components = new Float64Array(k * d);
  const variances = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const c = order[r]!;
    for (let j = 0; j < d; j++) components[r * d + j] = v.get(j, c);
    variances[r] = (s[c]! * s[c]!) / (n - 1);
  }
  return { components, variances };
}

/** Eigenvectors of Xᵀ X (X centred), accumulated in float64. */
export function byCovariance(centred: Float64Array, n: number, d: number, k: number): Decomposition {
  const gram = new Float64Array(d * d);
  // Row blocks transposed to feature-major: each block stays in cache while all d²/2 dot products
  // over it run, and the d × d accumulator is touched once per block instead of once per row.
  // Pairs of features on both sides (2 × 2 register tile) halve the loads per multiply-add.
  const block = 64;
  const tile = new Float64Array(d * block);
  for (let i0 = 0; i0 < n; i0 += block) {
    const m = Math.min(block, n - i0);
    tile.fill(0); // rows past m in the last block must add nothing
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < d; a++) tile[a * block + i] = centred[(i0 + i) * d + a]!;
    }
    for (let a = 0; a < d; a += 2) {
      const oa = a * block;
      const oa1 = a + 1 < d ? oa + block : oa;
      for (let b = a; b < d; b += 2) {
        const ob = b * block;
        const ob1 = b + 1 < d ? ob + block : ob;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let i = 0; i < block; i++) {
          const x0 = tile[oa + i]!;
          const x1 = tile[oa1 + i]!;
          const y0 = tile[ob + i]!;
          const y1 = tile[ob1 + i]!;
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        gram[a * d + b]! += s00;
        if (b + 1 < d) gram[a * d + b + 1]! += s01;
        if (a + 1 < d) {
          if (b > a) gram[(a + 1) * d + b]! += s10;
          if (b + 1 < d) gram[(a + 1) * d + b + 1]! += s11;
        }
      }
    }
  }
  const m = new MlMatrix(d, d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      m.set(a, b, gram[a * d + b]!);
      m.set(b, a, gram[a * d + b]!);
    }
  }
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = descendingOrder(values);
  const components = new Float64Array(k * d);
  const variances = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const c = order[r]!;
    for (let j = 0; j < d; j++) components[r * d + j] = vectors.get(j, c);
    // Rounding can leave tiny negative eigenvalues on rank-deficient data; variance is ≥ 0.
    variances[r] = Math.max(values[c]!, 0) / (n - 1);
  }
  return { components, variances };
}

function descendingOrder(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
}

/** sklearn's svd_flip(u_based_decision=False): the largest |entry| of each component is positive. */
export function flipSigns(components: Float64Array, k: number, d: number): void {
  for (let r = 0; r < k; r++) {
    let best = 0;
    for (let j = 1; j < d; j++) {
      if (Math.abs(components[r * d + j]!) > Math.abs(components[r * d + best]!)) best = j;
    }
    if (components[r * d + best]! < 0) {
      for (let j = 0; j < d; j++) components[r * d + j] = -components[r * d + j]!;
    }
  }
}
