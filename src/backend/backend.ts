/**
 * The Backend contract: the only place in latent that loops over raw numbers.
 *
 * A backend owns tensor storage (`alloc`/`release`, pooled by size) and implements a closed list
 * of kernels. Kernels have no op semantics beyond their documented maths: autograd composes them.
 * Every kernel writes into caller-provided storage, so a backend never allocates behind the
 * caller's back. All arrays passed to a backend's kernels were allocated by that same backend
 * (the wasm backend relies on this: its storage lives in one WebAssembly.Memory).
 *
 * Invariants:
 * - Matrices are row-major. `m, n, k` follow BLAS: C[m,n] = alpha * op(A)[m,k] · op(B)[k,n] + beta * C.
 * - Unless noted, `out` may alias an input of the same length.
 * - The plain-TypeScript backend in `js/` is the reference every other backend is tested against.
 */

/** Activations with a fused forward/backward kernel. `alpha` parameterises leakyRelu and elu. */
export const ACTIVATIONS = ['identity', 'relu', 'leakyRelu', 'elu', 'gelu', 'sigmoid', 'tanh', 'softplus'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Elementwise unary maths (no parameters). */
export const UNARY_OPS = ['neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'square', 'reciprocal'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Elementwise binary maths over two arrays of equal length. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'max', 'min'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export interface GemmArgs {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly c: Float32Array;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A is stored [k, m] and used transposed. */
  readonly transA: boolean;
  /** B is stored [n, k] and used transposed. */
  readonly transB: boolean;
  readonly alpha: number;
  /** 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C. */
  readonly beta: number;
  /**
   * Non-zero counts of the operands, shared between the products that read the same data (a
   * layer's input is A of its forward product and B of its weight gradient). A backend that
   * chooses a path by density reads a count given here instead of counting, and writes the
   * counts it takes. A hint for speed only: any value gives results within tolerance.
   */
  readonly nonZeros?: GemmNonZeros;
  /**
   * B is a weight that keeps its values from product to product (an inference pass): a backend
   * may keep B packed for its kernels, keyed by this object, and reuse the packed copy while
   * `version` stays the same and `b` is the same storage. Whoever writes into B must change
   * `version` first (Tensor.version; see packed-operands.ts for the rule).
   */
  readonly frozenB?: VersionedOperand;
}

/** Non-zero counts of a product's operands (A's m·k and B's k·n elements); absent when unknown. */
export interface GemmNonZeros {
  a?: number | undefined;
  b?: number | undefined;
}

/** An operand whose every write changes `version` (a parameter tensor). */
export interface VersionedOperand {
  readonly version: number;
}

/** Hyperparameters of one fused Adam/AdamW step (Kingma & Ba 2015; Loshchilov & Hutter 2019). */
export interface AdamArgs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** L2 penalty added to the gradient (Adam) or decoupled decay applied to the weights (AdamW). */
  readonly weightDecay: number;
  readonly decoupled: boolean;
  /** 1-based step count, used for bias correction. */
  readonly step: number;
}

/** The arrays of one parameter's Adam update: the parameter, its gradient and both moments. */
export interface AdamSlot {
  readonly param: Float32Array;
  readonly grad: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

/** Geometry of a 2-D convolution over NCHW tensors, used by im2col/col2im. */
export interface Conv2dGeometry {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/** Interpolation of upsample2d. */
export const UPSAMPLE_MODES = ['nearest', 'bilinear'] as const;
export type UpsampleMode = (typeof UPSAMPLE_MODES)[number];

export interface Backend {
  readonly name: 'js' | 'wasm';
  /** Worker threads the backend splits large kernels over (1 = single-threaded). */
  readonly threads: number;

  /**
   * Storage of `length` floats, from the pool when one of that length is free. Zero-filled
   * unless `uninitialized`, which a caller may ask for only when a kernel then writes every
   * element (a backend is free to zero-fill anyway).
   */
  alloc(length: number, uninitialized?: boolean): Float32Array;
  /** Return storage to the pool. The caller must not touch it afterwards. */
  release(buffer: Float32Array): void;
  /** Storage handed out by `alloc` and not yet released (for memory tests). */
  liveBuffers(): number;

  /** C = alpha * op(A) · op(B) + beta * C. */
  gemm(args: GemmArgs): void;

  /** out[i] = f(x[i]). */
  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void;
  /** out[i] = a[i] ∘ b[i]. */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out[i] = x[i] * scale + shift. */
  affine(x: Float32Array, scale: number, shift: number, out: Float32Array): void;
  /** out[i] = a[i] + alpha * b[i]. */
  axpy(a: Float32Array, alpha: number, b: Float32Array, out: Float32Array): void;
  /** out[i] = min(max(x[i], lo), hi). */
  clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void;

  /**
   * Fused y[r, c] = act(x[r, c] + bias[c]) over a [rows, cols] matrix; `bias` may be null. When
   * `pre` is given it also receives x[r, c] + bias[c] in the same pass (the pre-activation a
   * backward pass reads); `pre` and `out` may alias `x`, not each other.
   */
  biasActivation(
    x: Float32Array,
    bias: Float32Array | null,
    rows: number,
    cols: number,
    act: Activation,
    alpha: number,
    out: Float32Array,
    pre?: Float32Array | null,
  ): void;
  /**
   * Fused backward of `biasActivation`: dx = dy * act'(pre) where `pre` is the input to the
   * activation and `y` its output (each activation reads whichever is cheaper); when `dbias` is
   * given, dbias[c] = Σ_r dx[r, c] (overwritten, not accumulated). `dx` may alias `dy`.
   */
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
  ): void;

  /** out[r, c] = x[r, c] * scale[c] + shift[c] over a [rows, cols] matrix; either vector may be null. */
  columnAffine(
    x: Float32Array,
    scale: Float32Array | null,
    shift: Float32Array | null,
    rows: number,
    cols: number,
    out: Float32Array,
  ): void;
  /**
   * out[n, c, l] = x[n, c, l] + bias[c] over [batch, channels, plane] (a convolution's NCHW output
   * with the spatial axes flattened). `out` may alias `x`.
   */
  channelBias(x: Float32Array, bias: Float32Array, batch: number, channels: number, plane: number, out: Float32Array): void;
  /**
   * A convolution's bias and activation in one pass over [batch, channels, plane]:
   * out[n, c, l] = act(x[n, c, l] + bias[c]); `bias` may be null. When `pre` is given it also
   * receives x + bias (what the backward pass reads); `pre` and `out` may alias `x`, not each other.
   */
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
  ): void;
  /**
   * Backward of `channelBiasActivation`: dx = dy * act'(pre, y) and, when `dbias` is given,
   * dbias[c] = Σ_n Σ_l dx[n, c, l] (each plane summed in float64, the samples in order in
   * float32, overwriting dbias). `dx` may alias `dy`.
   */
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
  ): void;
  /** out[c] = Σ_r x[r, c] (column sums of a [rows, cols] matrix). */
  sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  /** out[r] = Σ_c x[r, c] (row sums of a [rows, cols] matrix). */
  sumCols(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  /** Σ x[i], accumulated in float64. */
  sum(x: Float32Array): number;
  /** Σ x[i]², accumulated in float64. */
  sumSquares(x: Float32Array): number;

  /**
   * Stable binary cross-entropy from logits z against targets t:
   * out[i] = max(z,0) - z·t + log(1 + exp(-|z|)).
   */
  bceLogits(z: Float32Array, t: Float32Array, out: Float32Array): void;

  /**
   * Binary cross-entropy from logits summed in float64, Σ bceLogits(z, t), and when `grad` is
   * given, grad[i] = (sigmoid(z[i]) - t[i])·scale (scale 1/n makes it the gradient of the mean):
   * a mean BCE's forward and backward in one pass. `grad` may alias `z`.
   */
  bceLogitsGrad(z: Float32Array, t: Float32Array, scale: number, grad: Float32Array | null): number;

  /** One fused Adam/AdamW update over a parameter, its gradient and moment buffers, in place. */
  adam(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, args: AdamArgs): void;

  /**
   * `adam` over every slot with one set of hyperparameters, as one call (one job split across
   * threads for a whole model instead of one per parameter); results equal per-slot calls bit for bit.
   */
  adamGroup(slots: readonly AdamSlot[], args: AdamArgs): void;
  /**
   * `adamGroup` that a backend may run later, in the background on threads that would otherwise
   * wait, until `settle()`: until then nothing may read or write these slots' arrays. Optional;
   * without it callers use `adamGroup`. Results equal `adamGroup` bit for bit.
   */
  adamGroupDeferred?(slots: readonly AdamSlot[], args: AdamArgs): void;
  /**
   * Start every deferred update that still waits (finishing the running background work first if
   * need be) and return without waiting for them; `settle()` still ends them.
   */
  startDeferred?(): void;
  /** Finish every deferred update (a no-op when none is pending). */
  settle?(): void;

  /**
   * Free what the backend keeps for `operand` (its packed copies, see GemmArgs.frozenB). Called
   * when the operand's storage is released or moved. Optional: backends without a cache.
   */
  forgetOperand?(operand: VersionedOperand): void;

  /**
   * Unfold `batch` images [batch, channels, height, width] into columns
   * [channels·kH·kW, batch·outH·outW] (zero padding outside the image): column index
   * n·outH·outW + oy·outW + ox, so one GEMM with the weight matrix convolves the whole batch.
   */
  im2col(images: Float32Array, geometry: Conv2dGeometry, cols: Float32Array, batch: number): void;
  /** Adjoint of im2col: scatter-add columns back into `batch` images, which are overwritten first. */
  col2im(cols: Float32Array, geometry: Conv2dGeometry, images: Float32Array, batch: number): void;
  /**
   * out[j, i, :] = x[i, j, :] for x viewed as [a, b, inner]: swaps the two leading axes (NCHW ↔
   * CNHW around a batched convolution GEMM). `out` must not alias `x`.
   */
  swapAxes(x: Float32Array, a: number, b: number, inner: number, out: Float32Array): void;
  /**
   * Convolution product with a shallow column side, written NCHW (no axis swap): out [batch, rows,
   * plane] with out[n, o, p] = Σ_t w[o, t] · cols[t, n·plane + p] (+ bias[o]), for w [rows, depth]
   * and columns [depth, batch·plane] as im2col lays them out. Meant for shallow columns (a few taps of one or two channels).
   */
  columnsToChannels(
    w: Float32Array,
    cols: Float32Array,
    bias: Float32Array | null,
    batch: number,
    rows: number,
    depth: number,
    plane: number,
    out: Float32Array,
  ): void;
  /**
   * The adjoint product, read from NCHW: cols[t, n·plane + p] = Σ_c w[c, t] · x[n, c, p], for
   * x [batch, channels, plane] and w [channels, depth].
   */
  channelsToColumns(
    w: Float32Array,
    x: Float32Array,
    batch: number,
    channels: number,
    depth: number,
    plane: number,
    cols: Float32Array,
  ): void;
  /**
   * Optional fused form of channelsToColumns then col2im, for any column depth: images =
   * col2im(cols, geometry) with cols[t, n·plane + p] = Σ_c w[c, t] · x[n, c, p], for x [batch,
   * channels, plane] (plane = geometry.outH·outW) and w [channels, depth] (depth =
   * geometry.channels·kH·kW). The images are overwritten. Backends without it run the two steps.
   */
  channelsToImage?(w: Float32Array, x: Float32Array, batch: number, channels: number, geometry: Conv2dGeometry, images: Float32Array): void;
  /**
   * Weight gradient of the products above: dw[o, t] = Σ_n Σ_p g[n, o, p] · cols[t, n·plane + p]
   * for g [batch, rows, plane], added to dw when `accumulate`, written over it otherwise.
   */
  channelColumnsGrad(
    g: Float32Array,
    cols: Float32Array,
    batch: number,
    rows: number,
    depth: number,
    plane: number,
    dw: Float32Array,
    accumulate: boolean,
  ): void;

  /**
   * Max pooling over `geometry.channels` planes [height, width] (the batch folded into channels),
   * padding counting as −∞, as PyTorch's max_pool2d. out[c, oy, ox] is the largest value of the
   * window (a NaN wins, the first maximum wins ties); argmax holds its index iy·width + ix in the plane
   * (−1 for a window wholly in the padding, whose output is −∞).
   */
  maxPool2d(image: Float32Array, geometry: Conv2dGeometry, out: Float32Array, argmax: Float32Array): void;
  /** Adjoint of maxPool2d: dx (overwritten) receives dy at each window's argmax, summed over windows. */
  maxPool2dBackward(dy: Float32Array, argmax: Float32Array, geometry: Conv2dGeometry, dx: Float32Array): void;
  /**
   * Upsample `channels` planes [h, w] to [⌊h·scaleH⌋, ⌊w·scaleW⌋] as PyTorch's interpolate with a
   * scale factor: nearest takes src = min(⌊dst/scale⌋, size − 1); bilinear maps dst to
   * (dst + ½)/scale − ½ clamped at 0, or dst·(size − 1)/(out − 1) with `alignCorners`, and blends
   * the two neighbours on each axis. `alignCorners` is ignored by nearest.
   */
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
  ): void;
  /** Adjoint of upsample2d: dx [channels, h, w] (overwritten) gathers dy [channels, outH, outW] by the same weights. */
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
  ): void;
}

/** Output size of upsample2d along one axis. */
export function upsampleSize(size: number, scale: number): number {
  return Math.floor(size * scale);
}
