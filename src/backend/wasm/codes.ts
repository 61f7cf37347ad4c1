/**
 * Numeric codes the wasm kernels use for activations, ops and tasks (mirrors asm/activations.ts
 * and asm/tasks.ts). The `satisfies Record<...>` tables make a new op in the Backend contract a
 * compile error here until the kernels learn it.
 */

import type { Activation, BinaryOp, UnaryOp, UpsampleMode } from '../backend.js';

export const ACTIVATION_CODES = {
  identity: 0,
  relu: 1,
  leakyRelu: 2,
  elu: 3,
  gelu: 4,
  sigmoid: 5,
  tanh: 6,
  softplus: 7,
} as const satisfies Record<Activation, number>;

export const UNARY_CODES = {
  neg: 0,
  abs: 1,
  sign: 2,
  exp: 3,
  log: 4,
  sqrt: 5,
  square: 6,
  reciprocal: 7,
} as const satisfies Record<UnaryOp, number>;

export const BINARY_CODES = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  max: 4,
  min: 5,
} as const satisfies Record<BinaryOp, number>;

export const UPSAMPLE_CODES = {
  nearest: 0,
  bilinear: 1,
} as const satisfies Record<UpsampleMode, number>;

/** Deepest k of the sparse right-operand path (SPARSE_T_MAX_K of asm/gemm-sparse.ts). */
export const SPARSE_B_MAX_DEPTH = 1024;

/** Task ids of asm/tasks.ts; the comment lists each task's float64 argument slots. */
export const TASK = {
  /** a, b, c, m, n, k, transA, transB, alpha, beta, scratch, scratchStride, splitRows, packed op(B)|0 (packPanels) */
  gemm: 1,
  /** op, x, out, n */
  unary: 2,
  /** op, a, b, out, n */
  binary: 3,
  /** x, scale, shift, out, n */
  affine: 4,
  /** a, alpha, b, out, n */
  axpy: 5,
  /** x, lo, hi, out, n */
  clamp: 6,
  /** x, bias|0, rows, cols, act, alpha, out, pre|0 */
  biasActivation: 7,
  /** dy, pre, y, rows, cols, act, alpha, dx, dbias|0 */
  biasActivationBackward: 8,
  /** x, scale|0, shift|0, rows, cols, out */
  columnAffine: 9,
  /** x, rows, cols, out */
  sumRows: 10,
  /** x, rows, cols, out */
  sumCols: 11,
  /** x, mode (0 sum, 1 sum of squares, 2 count of non-zeros), n → per-chunk partial results */
  sum: 12,
  /** z, t, out, n */
  bceLogits: 13,
  /** param, grad, m, v, beta1, beta2, eps, l2, decay, stepSize, invC2, n */
  adam: 14,
  /**
   * images, cols, then the 13 Conv2dGeometry fields, batch, tap table (byte offset, 0 for none),
   * scratch for the phase-plane path (0 for none), scratch stride
   */
  im2col: 15,
  /**
   * cols, images, then the 13 Conv2dGeometry fields, batch, tap table (byte offset, 0 for none),
   * scratch for the phase-plane path (0 for none), scratch stride
   */
  col2im: 16,
  /** x, a, b, inner, out */
  swapAxes: 17,
  /** image, out, argmax, then the 13 Conv2dGeometry fields */
  maxPool2d: 18,
  /** dy, argmax, dx, then the 13 Conv2dGeometry fields */
  maxPool2dBackward: 19,
  /** x, out, channels, h, w, scaleH, scaleW, mode, alignCorners */
  upsample2d: 20,
  /** dy, dx, channels, h, w, scaleH, scaleW, mode, alignCorners */
  upsample2dBackward: 21,
  /** b, n, k, transB, packed (slivers of op(B), split over slivers) */
  packSlivers: 22,
  /** a, packed|0, c, m, n, k, alpha, beta, scratch, scratchStride, b, transB (split over rows of C; packed 0: each thread packs op(B)) */
  gemmSparse: 23,
  /** b, packed|0, c, m, n, k, alpha, scratch, scratchStride, a, a stored [m, k] (split over columns of C; packed 0: each thread packs op(A)ᵀ) */
  gemmSparseB: 24,
  /** x, bias, batch, channels, plane, out (split over planes) */
  channelBias: 25,
  /** z, t, scale, grad|0, n → per-chunk partial loss sums (numbered apart from the others) */
  bceLogitsGrad: 41,
  /**
   * table (rows of param, grad, m, v, n, start as i32), rows, beta1, beta2, eps, l2, decay,
   * stepSize, invC2, total (split over the index space of the starts; numbered apart)
   */
  adamTable: 42,
  /** w, cols, bias|0, out, batch, rows, depth, plane (split over samples) */
  columnsToChannels: 50,
  /** w, x, cols, batch, channels, depth, plane (split over samples) */
  channelsToColumns: 51,
  /** g, cols, dw, batch, rows, depth, plane, accumulate, scratch, scratchStride (split over rows in 4s) */
  channelColumnsGrad: 52,
  /**
   * a, b, c, m, n, k, transA, transB, alpha, beta, scratch, scratchStride, partials (one chunk
   * per depth group; numbered apart)
   */
  gemmDepth: 53,
  /** c, partials, count, size (C += each partial in order; split over elements) */
  addPartials: 54,
  /**
   * a, b, c, m, n, k, transB, alpha, beta, scratch, scratchStride, partials (gemmDepth on the
   * mostly-zero-A path; one chunk per depth group; numbered apart)
   */
  gemmSparseDepth: 58,
  /** x, bias|0, batch, channels, plane, act, alpha, out, pre|0 (split over planes) */
  channelBiasActivation: 55,
  /** dy, pre, y, batch, channels, plane, act, alpha, dx, dbias|0 (split over channels) */
  channelActivationBackward: 56,
  /**
   * w, x, then the 13 Conv2dGeometry fields (image side), batch, tap table|0, images, scratch,
   * scratchStride, buffer, bufferStride, channels, packed W (sparse path) | 0, phases, block (split
   * over blocks of samples)
   */
  channelsToImage: 57,
  /** b, n, k, transB, packed (op(B) for gemm's kept-copy argument, split over NR-wide slivers; numbered apart) */
  packPanels: 60,
} as const;
export type TaskId = (typeof TASK)[keyof typeof TASK];

/** Float64 argument slots in a job (asm/tasks.ts ARG_SLOTS). */
export const ARG_SLOTS = 32;
/** Most threads a backend may use. */
export const MAX_THREADS = 64;
/** Most chunks a job may be cut into (and partial-result slots it has). */
export const MAX_CHUNKS = 64;
/** Int32 slots of the job header: task id, ticket (chunks << 16 | next), finished chunks. */
export const JOB_SLOT = { id: 0, ticket: 1, done: 2 } as const;
/** Byte offset of the float64 arguments in a job. */
export const JOB_ARGS_OFFSET = 16;
/** Bytes of a job descriptor: header, arguments, per-chunk partial results. */
export const JOB_BYTES = JOB_ARGS_OFFSET + 8 * (ARG_SLOTS + MAX_CHUNKS);
