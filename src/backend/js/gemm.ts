/**
 * Reference GEMM in plain TypeScript: C = alpha * op(A) · op(B) + beta * C, row-major.
 *
 * Loops are ordered so the innermost one walks contiguous memory (i-p-j for the plain case), which
 * makes this reference fast enough to train small models; the wasm backend is the fast path.
 */

import type { GemmArgs } from '../backend.js';

export function gemm({ a, b, c, m, n, k, transA, transB, alpha, beta }: GemmArgs): void {
  if (beta === 0) c.fill(0, 0, m * n);
  else if (beta !== 1) for (let i = 0; i < m * n; i++) c[i]! *= beta;
  if (!transB) {
    // op(B) rows are contiguous: accumulate alpha·A[i,p]·B[p,:] into C[i,:].
    for (let i = 0; i < m; i++) {
      const cRow = i * n;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[p * m + i]! : a[i * k + p]!);
        if (aip === 0) continue;
        const bRow = p * n;
        for (let j = 0; j < n; j++) c[cRow + j]! += aip * b[bRow + j]!;
      }
    }
    return;
  }
  // B is stored [n, k]: C[i,j] is a dot product of two contiguous rows (when A is not transposed).
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let acc = 0;
      if (transA) for (let p = 0; p < k; p++) acc += a[p * m + i]! * b[bRow + p]!;
      else {
        const aRow = i * k;
        for (let p = 0; p < k; p++) acc += a[aRow + p]! * b[bRow + p]!;
      }
      c[cRow + j]! += alpha * acc;
    }
  }
}
