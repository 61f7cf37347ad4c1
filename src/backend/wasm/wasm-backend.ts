/**
 * WasmBackend: the Backend contract on SIMD wasm kernels over one shared memory, split across a
 * thread pool when a kernel is big enough to repay the hand-off.
 *
 * Each kernel call writes a job descriptor (task id, thread count, float64 arguments; see
 * codes.ts TASK) and runs it on the caller alone or on the whole pool. Arrays become byte offsets
 * into the heap, so nothing is copied; every array must come from this backend's `alloc`.
 */

import {
  upsampleSize,
  type Activation,
  type AdamArgs,
  type AdamSlot,
  type Backend,
  type BinaryOp,
  type Conv2dGeometry,
  type GemmArgs,
  type GemmNonZeros,
  type UnaryOp,
  type UpsampleMode,
  type VersionedOperand,
} from '../backend.js';
import {
  ACTIVATION_CODES,
  ARG_SLOTS,
  BINARY_CODES,
  JOB_ARGS_OFFSET,
  JOB_BYTES,
  JOB_SLOT,
  MAX_CHUNKS,
  MAX_THREADS,
  SPARSE_B_MAX_DEPTH,
  TASK,
  UNARY_CODES,
  UPSAMPLE_CODES,
  type TaskId,
} from './codes.js';
import { WasmHeap } from './heap.js';
import {
  bestKernelVariant,
  compileKernels,
  instantiateKernels,
  KERNELS_MAX_PAGES,
  type KernelExports,
  type KernelVariant,
} from './kernels.js';
import { PackedOperands } from './packed-operands.js';
import { ThreadPool } from './thread-pool.js';
import { CONTROL_BYTES } from './worker-source.js';

/** 16 MiB to start; the heap grows on demand up to the module's maximum. */
const INITIAL_PAGES = 256;
/**
 * Without SharedArrayBuffer the memory is unshared, and growing it would detach every view handed
 * out, so it is sized once: the first of these (in 64 KiB pages: 512, 256, 128 MiB) the host grants.
 */
const UNSHARED_PAGES = [8192, 4096, 2048];
/** Below this many flops a GEMM runs on the caller alone (waking workers costs microseconds). */
const GEMM_PARALLEL_FLOPS = 1 << 20;
/** Elementwise work (elements × cost) below which one thread is faster. */
const ELEMENTWISE_PARALLEL_WORK = 1 << 15;
/**
 * The same for the bias + activation kernels and the column sums, forward and backward: their
 * input was just written by a GEMM split across both cores, and a second thread reading half of it
 * from the other core's cache cost more than it saved. Timed call by call inside W1 training on 2
 * threads (split or not chosen at random per call): the backward pass over 128×512 took 64 µs on
 * one thread against 153 µs split, the forward pass over 128×784 86 against 128 µs, 128×128 the
 * same either way. Transcendental activations (8 per element) still split from 32k elements.
 */
const ROW_KERNEL_PARALLEL_WORK = 1 << 18;
/** Work per chunk of a parallel elementwise job (small enough to balance, big enough to amortise a claim). */
const CHUNK_WORK = 1 << 14;
/**
 * Break-even densities (share of non-zeros) of the sparse GEMM paths (asm/gemm-sparse.ts).
 *
 * Relaxed SIMD build: a cost model in nanoseconds per element of the compressed operand, fitted
 * to `scripts/gemm-gflops.ts --sparse` on W1's, W3's and W2's shapes (Zen 4, Node 24, 1 thread)
 * and checked inside W1 and W2 training with `scripts/sparse-paths.ts` and
 * `scripts/paired-trees.ts`. The dense path spends SPARSE_DENSE_PER_SLIVER per 32 output
 * columns; the sparse path spends SPARSE_COMPRESS (compressing the element),
 * SPARSE_PACK·(packed elements per compressed element) packing the other operand, and
 * SPARSE_STEP per non-zero and 32-wide sliver. Solving for the density where the two meet, times
 * SPARSE_MARGIN, gives for instance 0.69 for W1's 128×512·512×784ᵀ (measured break-even 0.7 per
 * call), 0.67 for 128×128·128×512ᵀ, 0.74 for the weight gradient 784×128ᵀ·128×512 with a sparse
 * right operand (measured 0.7), 0.54 for 128×512·512×128ᵀ (measured 0.7), 0.43 for W2's
 * convolution product 64×288·288×6272 with mostly-zero columns (measured 0.56) and none for a
 * single sliver (W2's 128×3136·3136×32ᵀ breaks even at 0.55 and gains under 15% at its densities).
 * SPARSE_COMPRESS is the vectorised compression's 0.8 per element (W2's columns and W1's pixels,
 * Zen 5, Node 24) plus the 0.5 that the cold operands inside training cost over per-call timings
 * (found when compression was scalar: 2.25 in training against 1.75 per call).
 */
const SPARSE_DENSE_PER_SLIVER = 1.39;
const SPARSE_STEP = 1.6;
const SPARSE_COMPRESS = 1.25;
const SPARSE_PACK = 0.5;
const SPARSE_MARGIN = 0.9;
/** Below this modelled break-even the gain is too small to trust the model: stay dense. */
const SPARSE_MIN_GAIN_DENSITY = 0.2;

/** The break-even density of the relaxed build's model; `sliverWidth` is its 32 output columns per sliver. */
function relaxedSparseLimit(swept: number, compressed: number, sliverWidth: number): number {
  const slivers = Math.ceil(swept / sliverWidth);
  const gain = SPARSE_DENSE_PER_SLIVER * slivers - SPARSE_COMPRESS - (SPARSE_PACK * swept) / compressed;
  const limit = (SPARSE_MARGIN * gain) / (SPARSE_STEP * slivers);
  return limit < SPARSE_MIN_GAIN_DENSITY ? 0 : Math.min(limit, 0.9);
}

/**
 * Plain SIMD build (16-wide slivers, Node 20): fixed limits, 0.9× the lowest break-even measured
 * (`scripts/gemm-gflops.ts --sparse --kernels simd --cold` under Node 20, Zen 5) over W1's, W3's
 * and W2's shapes: a mostly-zero left operand pays off below 0.55–0.7 (lowest: W2's single-sliver
 * 128×3136·3136×32ᵀ), the mostly-zero right operand path below 0.58–0.7 (lowest: W2's
 * convolution product 64×288·288×6272).
 */
const SIMD_SPARSE_A_DENSITY = 0.5;
const SIMD_SPARSE_B_DENSITY = 0.5;
/** Columns of C below which counting A's non-zeros (m·k reads) is not worth it against m·n·k. */
const SPARSE_MIN_COLUMNS = 32;
/** Rows of C the right-operand path needs to amortise the compression of B's columns. */
const SPARSE_B_MIN_ROWS = 64;
/**
 * Products at least this deep, DEPTH_SPLIT_RATIO times deeper than C is long or wide and with C
 * of at most DEPTH_SPLIT_MAX_OUTPUT floats, are split over k into DEPTH_GROUPS groups whatever
 * the thread count (asm/gemm-depth.ts): split over C they would repack the whole shared operand
 * in every chunk. W2's 128×3136·3136×32 and 64×6272·6272×288ᵀ qualify, on the dense path and on
 * the mostly-zero-A one (SPARSE_DEPTH_GROUPS); W1's products do not.
 */
const DEPTH_SPLIT_MIN_K = 1024;
const DEPTH_SPLIT_RATIO = 4;
const DEPTH_SPLIT_MAX_OUTPUT = 1 << 16;
const DEPTH_GROUPS = 8;
/**
 * Depth groups of such a product on the mostly-zero-A path: split over rows of C, each thread
 * would compress its rows and pack all of op(B) (W2's weight gradient: 288 × 6272 floats per
 * thread). W2's 64×6272·6272×288ᵀ at 0.45 non-zeros on 2 threads, paired call by call against
 * the row split (`scripts/paired-gemm.ts --threads 2`): 2 groups 0.90, 4 groups 0.90, 8 groups
 * 0.93, 16 groups 0.95; on one thread 4 groups cost 1.02 (partial sums), 2 groups 1.00. Four, so
 * that four threads still share the work.
 */
const SPARSE_DEPTH_GROUPS = 4;
/** Chunks per thread of a parallel GEMM (balance against repacking the shared operand per chunk). */
const GEMM_CHUNKS_PER_THREAD = 3;
/**
 * Column floats per block of channelsToImage (asm/conv-fused.ts): 512 KB, which stays in the
 * 1 MB L2 cache beside the GEMM's packed operands while col2im reads it back.
 */
const FUSED_BLOCK_FLOATS = 1 << 17;

/**
 * Samples per block of channelsToImage: as many as FUSED_BLOCK_FLOATS holds, in eights from 8 up
 * (so a block's columns fill whole 8-wide micro-tiles), at least one.
 */
function fusedBlock(depth: number, plane: number): number {
  const fit = Math.floor(FUSED_BLOCK_FLOATS / Math.max(1, depth * plane));
  return fit >= 8 ? fit - (fit % 8) : Math.max(1, fit);
}

/**
 * Samples per block of channelsToImage on the sparse path: one, read in place (no swap). That path
 * packs W once per call and compresses x's columns wherever they are cut, so a small block costs
 * nothing on one thread (W2's 64 → 32 product at 38% non-zeros: 3.90 ms per call either way) and
 * finer chunks end both threads together on two (2.04 against 2.17 ms with blocks of 8). The dense
 * path packs W per block and keeps fusedBlock's (blocks of 1: 6.4 against 5.4 ms on one thread).
 */
const SPARSE_FUSED_BLOCK = 1;

/**
 * Rows per chunk of a product split by rows whose B is kept packed (GemmArgs.frozenB): no chunk
 * repacks B, so chunks of one 64-row block balance two threads better than three chunks each.
 * Timed on W3's first product (1000×784·784×512ᵀ, MNIST rows, the mostly-zero-A path) on 2
 * threads beside another busy process, best of 80: 3.43–3.57 ms with 16 chunks against 3.76–3.85
 * with 6 (32 chunks: 4.05); W3's second, dense product gave the same best either way and a lower
 * median with more chunks (1.64 against 1.77 ms).
 */
const KEPT_COPY_CHUNK_ROWS = 64;
/**
 * im2col/col2im take the tap-table path when output rows are shorter than this (measured on W2's
 * stride-2 layers, rows of 7 and 14: 2.5–3× faster than the row loops; from rows of about 28,
 * and for stride 1, the row loops' contiguous copies are as fast or faster).
 */
const TAP_TABLE_MAX_WIDTH = 16;
/** Largest tap table (kH·kW·outH·outW entries, 4 bytes each), so that it stays in cache. */
const TAP_TABLE_MAX_ENTRIES = 1 << 15;
/** Relative cost of kernels built on exp/log against a plain add. */
const TRANSCENDENTAL_COST = 8;

const TRANSCENDENTAL_UNARY: ReadonlySet<UnaryOp> = new Set(['exp', 'log']);

function activationCost(act: Activation): number {
  return act === 'identity' || act === 'relu' || act === 'leakyRelu' ? 1 : TRANSCENDENTAL_COST;
}

/** True when a dense product is split over its depth (DEPTH_SPLIT_*); the shape alone decides. */
export function usesDepthSplit(m: number, n: number, k: number): boolean {
  // n > 16 keeps it on the packed path (thinner transposed products take the dot-product path).
  return k >= DEPTH_SPLIT_MIN_K && k >= DEPTH_SPLIT_RATIO * Math.max(m, n) && m * n <= DEPTH_SPLIT_MAX_OUTPUT && n > 16;
}

function need(view: Float32Array, length: number, name: string): void {
  if (view.length < length) {
    throw new Error(`wasm backend: ${name} holds ${view.length} floats, the kernel needs ${length}`);
  }
}

/**
 * Densities (share of non-zeros) up to which a GEMM takes each sparse path, in place of the
 * modelled break-evens. Benchmarks and tests set them to time or check one path against the
 * other on the same data (scripts/gemm-gflops.ts, scripts/sparse-paths.ts).
 */
export interface SparseGemmLimits {
  /** Mostly-zero left operand A (not transposed). */
  readonly a: number;
  /** Mostly-zero right operand B (not transposed), depth k ≤ SPARSE_B_MAX_DEPTH. */
  readonly b: number;
}

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly threads: number;
  /** Fixed density limits for the sparse paths; undefined (the default) uses the break-even model. */
  sparseLimits: SparseGemmLimits | undefined = undefined;
  /** Samples per block of channelsToImage; undefined (the default) sizes blocks by FUSED_BLOCK_FLOATS. */
  fusedBlockSamples: number | undefined = undefined;
  /** The kernel build every thread of this backend runs. */
  readonly kernels: KernelVariant;
  private readonly header: Int32Array;
  private readonly args: Float64Array;
  /** The background job's descriptor (deferred Adam updates). */
  private readonly sideHeader: Int32Array;
  private readonly sideArgs: Float64Array;
  /** Deferred Adam slots not yet published, their hyperparameters, and the running job's table. */
  private deferred: AdamSlot[] = [];
  private deferredArgs: AdamArgs | null = null;
  private sideTable: Float32Array | null = null;
  /** Weights kept packed between inference products (GemmArgs.frozenB). */
  readonly packedOperands: PackedOperands;

  private constructor(
    private readonly heap: WasmHeap,
    private readonly pool: ThreadPool,
    job: number,
    private readonly scratch: number,
    private readonly scratchStride: number,
    kernels: KernelVariant,
    /** The calling thread's instance, for the kernels' own size queries. */
    private readonly exports: KernelExports,
  ) {
    this.threads = pool.threads;
    this.kernels = kernels;
    this.header = heap.int32View(job, 4);
    this.args = heap.float64View(job + JOB_ARGS_OFFSET, ARG_SLOTS + MAX_CHUNKS);
    this.sideHeader = heap.int32View(pool.background, 4);
    this.sideArgs = heap.float64View(pool.background + JOB_ARGS_OFFSET, ARG_SLOTS);
    this.packedOperands = new PackedOperands(heap);
  }

  /**
   * Compile and instantiate the kernels and start `threads - 1` workers. `shared: false` (hosts
   * without SharedArrayBuffer) runs on the calling thread only, in a fixed-size memory. `variant`
   * picks the kernel build (default: relaxed SIMD where the host validates it).
   */
  static async create(threads: number, shared = true, variant: KernelVariant = bestKernelVariant()): Promise<WasmBackend> {
    const count = shared ? Math.max(1, Math.min(MAX_THREADS, Math.floor(threads))) : 1;
    const module = await compileKernels(shared, variant);
    const heap = shared ? new WasmHeap(INITIAL_PAGES, KERNELS_MAX_PAGES, true) : fixedHeap();
    const kernels = await instantiateKernels(module, heap.memory);
    // The control block, the job descriptor, then the background job's on a cache line of its own.
    const jobSpan = Math.ceil(JOB_BYTES / 64) * 64;
    const control = heap.reserve(CONTROL_BYTES + 2 * jobSpan);
    const job = control + CONTROL_BYTES;
    const scratchStride = Math.ceil((kernels.gemmScratchFloats() * 4) / 64) * 64;
    const scratch = heap.reserve(scratchStride * count);
    const pool = await ThreadPool.start(kernels, module, heap.memory, control, job, job + jobSpan, count);
    return new WasmBackend(heap, pool, job, scratch, scratchStride, variant, kernels);
  }

  /** Stop the worker threads (kernels keep working on the calling thread alone). */
  async close(): Promise<void> {
    this.settle();
    await this.pool.close();
  }

  alloc(length: number, uninitialized = false): Float32Array {
    return this.heap.alloc(length, uninitialized);
  }

  release(buffer: Float32Array): void {
    this.heap.release(buffer);
  }

  liveBuffers(): number {
    return this.heap.liveBlocks();
  }

  gemm({ a, b, c, m, n, k, transA, transB, alpha, beta, nonZeros, frozenB }: GemmArgs): void {
    need(a, m * k, 'gemm A');
    need(b, k * n, 'gemm B');
    need(c, m * n, 'gemm C');
    if (m === 0 || n === 0) return;
    const threads = this.pool.activeThreads;
    const parallel = threads > 1 && 2 * m * n * k >= GEMM_PARALLEL_FLOPS;
    const sparseEligible = k > 0 && alpha !== 0;
    const limitA = !sparseEligible || transA || n < SPARSE_MIN_COLUMNS ? 0 : this.sparseLimit('a', m, n, frozenB !== undefined);
    if (limitA > 0 && this.count('a', a, m * k, nonZeros) <= limitA * m * k) {
      if (frozenB) this.gemmSparseFrozen(frozenB, a, b, c, m, n, k, transB, alpha, beta, parallel ? threads : 1);
      else if (this.sparseDepthSplit(m, n, k)) this.gemmDepth(a, b, c, m, n, k, false, transB, alpha, beta, 'sparseA');
      else this.gemmSparse(a, b, c, m, n, k, transB, alpha, beta, parallel ? threads : 1);
      return;
    }
    const limitB = !sparseEligible || transB || beta !== 0 ? 0 : this.sparseBLimit(m, n, k);
    if (limitB > 0 && this.count('b', b, k * n, nonZeros) <= limitB * k * n) {
      this.gemmSparseB(a, b, c, m, n, k, transA, alpha, parallel ? threads : 1);
      return;
    }
    if (usesDepthSplit(m, n, k) && alpha !== 0) {
      this.gemmDepth(a, b, c, m, n, k, transA, transB, alpha, beta, 'dense');
      return;
    }
    // Split the longer side of C (in micro-tiles of 6 or 4 rows, or 8 columns) into chunks.
    const tileRows = this.exports.gemmTileRows();
    const splitRows = m / tileRows > n / 8 ? 1 : 0;
    const tiles = splitRows ? Math.ceil(m / tileRows) : Math.ceil(n / 8);
    const panels = frozenB && alpha !== 0 ? this.frozenPanels(frozenB, b, m, n, k, transA, transB) : null;
    // With B kept packed and rows split, no chunk packs a shared operand: cut finer.
    const wanted =
      panels && splitRows
        ? Math.max(threads * GEMM_CHUNKS_PER_THREAD, Math.ceil(m / KEPT_COPY_CHUNK_ROWS))
        : threads * GEMM_CHUNKS_PER_THREAD;
    const chunks = parallel ? Math.min(tiles, wanted, MAX_CHUNKS) : 1;
    this.exec(
      TASK.gemm,
      chunks,
      this.ptr(a),
      this.ptr(b),
      this.ptr(c),
      m,
      n,
      k,
      transA ? 1 : 0,
      transB ? 1 : 0,
      alpha,
      beta,
      this.scratch,
      this.scratchStride,
      splitRows,
      panels ? this.ptr(panels) : 0,
    );
  }

  /**
   * The kept packed copy of a frozen B for the dense path (asm/gemm-prepacked.ts), or null when
   * this product packs no B (gemm's direct and dot-product paths).
   */
  private frozenPanels(
    frozen: VersionedOperand,
    b: Float32Array,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
  ): Float32Array | null {
    if (this.exports.gemmPacksB(m, n, k, transA ? 1 : 0, transB ? 1 : 0) === 0) return null;
    const slivers = Math.ceil(n / 8); // asm/gemm.ts NR
    return this.packedOperands.get(
      frozen,
      b,
      'panels',
      `${n}×${k}${transB ? 'ᵀ' : ''}`,
      this.exports.packedPanelsFloats(n, k),
      () => this.settle(),
      (copy) => this.exec(TASK.packPanels, this.chunks(n * k, slivers), this.ptr(b), n, k, transB ? 1 : 0, this.ptr(copy)),
    );
  }

  /** Non-zeros of an operand's first `size` elements: the caller's count when given, else counted and handed back. */
  private count(side: keyof GemmNonZeros, operand: Float32Array, size: number, known: GemmNonZeros | undefined): number {
    const given = known?.[side];
    if (given !== undefined) return given;
    const count = this.nonZeros(operand.subarray(0, size));
    if (known) known[side] = count;
    return count;
  }

  /**
   * True when a product that takes the mostly-zero-A path is split over its depth
   * (SPARSE_DEPTH_GROUPS groups) instead of over rows of C: the shape alone decides, as for the
   * dense path, with each group's k slices of op(B) fitting the scratch.
   */
  sparseDepthSplit(m: number, n: number, k: number): boolean {
    return usesDepthSplit(m, n, k) && this.exports.sparseDepthSplitFits(n, k, SPARSE_DEPTH_GROUPS) !== 0;
  }

  /** Deep product: one chunk per depth group (on the dense or the mostly-zero-A path), then the groups' partial products added to C in order. */
  private gemmDepth(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    alpha: number,
    beta: number,
    path: 'dense' | 'sparseA',
  ): void {
    const size = m * n;
    const groups = path === 'dense' ? DEPTH_GROUPS : SPARSE_DEPTH_GROUPS;
    const partials = this.heap.alloc(size * (groups - 1), true);
    try {
      const operands = [this.ptr(a), this.ptr(b), this.ptr(c), m, n, k] as const;
      const rest = [alpha, beta, this.scratch, this.scratchStride, this.ptr(partials)] as const;
      if (path === 'dense') this.exec(TASK.gemmDepth, groups, ...operands, transA ? 1 : 0, transB ? 1 : 0, ...rest);
      else this.exec(TASK.gemmSparseDepth, groups, ...operands, transB ? 1 : 0, ...rest);
      const count = groups - 1;
      this.exec(TASK.addPartials, this.chunks(size * count, size / 16), this.ptr(c), this.ptr(partials), count, size);
    } finally {
      this.heap.release(partials);
    }
  }

  /**
   * Largest density of A (side 'a') or B (side 'b') for which the sparse path is faster on an
   * m×n product: it depends on the kernel build and the shape, never on the thread count.
   */
  private sparseLimit(side: 'a' | 'b', m: number, n: number, prepacked = false): number {
    if (this.sparseLimits !== undefined) return this.sparseLimits[side];
    if (this.kernels === 'simd') return side === 'a' ? SIMD_SPARSE_A_DENSITY : SIMD_SPARSE_B_DENSITY;
    // A: its compressed rows sweep the n columns of packed op(B); B: its compressed columns sweep
    // the m rows of packed op(A).
    const width = this.exports.sparseSliverWidth();
    // A B kept packed (frozenB) costs no packing: as if its packing were shared by endless rows.
    return side === 'a' ? relaxedSparseLimit(n, prepacked ? Infinity : m, width) : relaxedSparseLimit(m, n, width);
  }

  /**
   * The density of B up to which an m×k·k×n product takes the mostly-zero-B path (0: never):
   * shallow enough to compress B's columns, tall enough to amortise that.
   */
  private sparseBLimit(m: number, n: number, k: number): number {
    return k > SPARSE_B_MAX_DEPTH || m < SPARSE_B_MIN_ROWS ? 0 : this.sparseLimit('b', m, n);
  }

  /**
   * Mostly-zero B: Cᵀ = Bᵀ · op(A)ᵀ, columns of C split among threads. op(A)ᵀ [k, m] is packed
   * by each thread into its own scratch when it fits there (up to 960 columns 128 deep: one job,
   * one chunk per thread), else once for all threads by a packing job.
   */
  private gemmSparseB(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    alpha: number,
    threads: number,
  ): void {
    // op(A)ᵀ is A itself when A is stored transposed, else A read transposed.
    if (this.exports.sparseOwnPackB(m, k) !== 0) {
      this.exec(
        TASK.gemmSparseB,
        Math.min(Math.ceil(n / 4), threads),
        this.ptr(b),
        0,
        this.ptr(c),
        m,
        n,
        k,
        alpha,
        this.scratch,
        this.scratchStride,
        this.ptr(a),
        transA ? 0 : 1,
      );
      return;
    }
    this.withSlivers(a, m, k, !transA, threads, (packed) => {
      const chunks = Math.min(Math.ceil(n / 4), threads * GEMM_CHUNKS_PER_THREAD, MAX_CHUNKS);
      this.exec(
        TASK.gemmSparseB,
        threads > 1 ? chunks : 1,
        this.ptr(b),
        packed,
        this.ptr(c),
        m,
        n,
        k,
        alpha,
        this.scratch,
        this.scratchStride,
        0,
        0,
      );
    });
  }

  /**
   * Mostly-zero A: rows of C split among threads. Each thread packs op(B) for itself inside the
   * product's job, whole or one k slice at a time, with one chunk per thread so
   * that each packs it once; only an operand too big for that is packed once for all threads by a
   * packing job first. Packing inside the job duplicates the packing on every thread but spares
   * writing the packed copy out and reading it back after a hand-off.
   */
  private gemmSparse(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    n: number,
    k: number,
    transB: boolean,
    alpha: number,
    beta: number,
    threads: number,
  ): void {
    if (this.ownPack(n, k) || this.slicePack(n, k)) {
      this.exec(
        TASK.gemmSparse,
        Math.min(m, threads),
        this.ptr(a),
        0,
        this.ptr(c),
        m,
        n,
        k,
        alpha,
        beta,
        this.scratch,
        this.scratchStride,
        this.ptr(b),
        transB ? 1 : 0,
      );
      return;
    }
    this.withSlivers(b, n, k, transB, threads, (packed) => {
      const chunks = Math.min(m, threads * GEMM_CHUNKS_PER_THREAD, MAX_CHUNKS);
      this.sweepSlivers(a, packed, c, m, n, k, alpha, beta, threads > 1 ? chunks : 1);
    });
  }

  /** The mostly-zero-A product over op(B) already packed into slivers at `packed`. */
  private sweepSlivers(
    a: Float32Array,
    packed: number,
    c: Float32Array,
    m: number,
    n: number,
    k: number,
    alpha: number,
    beta: number,
    chunks: number,
  ): void {
    this.exec(TASK.gemmSparse, chunks, this.ptr(a), packed, this.ptr(c), m, n, k, alpha, beta, this.scratch, this.scratchStride, 0, 0);
  }

  /**
   * gemmSparse with op(B) a weight kept packed between calls (packed-operands.ts): the same
   * slivers swept by the same kernel, so the same bits (how rows are cut into chunks changes no
   * sum). No chunk packs anything, so chunks are cut finer than when B is packed for the call
   * (KEPT_COPY_CHUNK_ROWS).
   */
  private gemmSparseFrozen(
    frozen: VersionedOperand,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    n: number,
    k: number,
    transB: boolean,
    alpha: number,
    beta: number,
    threads: number,
  ): void {
    const layout = `${n}×${k}${transB ? 'ᵀ' : ''}`;
    const floats = this.exports.packedSliversFloats(n, k);
    const slivers = Math.ceil(n / this.exports.sparseSliverWidth());
    const packed = this.packedOperands.get(
      frozen,
      b,
      'slivers',
      layout,
      floats,
      () => this.settle(),
      (copy) => this.exec(TASK.packSlivers, Math.min(this.pool.activeThreads, slivers), this.ptr(b), n, k, transB ? 1 : 0, this.ptr(copy)),
    );
    if (packed === null) {
      this.gemmSparse(a, b, c, m, n, k, transB, alpha, beta, threads);
      return;
    }
    const chunks = Math.min(MAX_CHUNKS, Math.max(threads, Math.ceil(m / KEPT_COPY_CHUNK_ROWS)));
    this.sweepSlivers(a, this.ptr(packed), c, m, n, k, alpha, beta, threads > 1 ? chunks : 1);
  }

  forgetOperand(operand: VersionedOperand): void {
    this.packedOperands.forget(operand);
  }

  /**
   * Whether the operand swept by a sparse path ([k, columns] packed) is small enough for each
   * thread to pack its own copy inside the product's job: one job instead of a packing job and a
   * product job, with one chunk per thread so that each packs once.
   */
  private ownPack(columns: number, k: number): boolean {
    return this.exports.sparseOwnPack(columns, k) !== 0;
  }

  /**
   * Whether each thread can pack the swept operand one k slice at a time inside the product's job:
   * each slice is swept by the thread's rows right after it is packed, while it is in cache,
   * instead of a separate job writing the whole packed copy out first, which the other thread
   * then reads from this core's cache. Both builds: in the plain one, on W1's first-layer product
   * with MNIST digits (128×784·784×512) under Node 24, 822 → 662 µs on 1 thread and 670 → 407 µs
   * on 2.
   */
  private slicePack(columns: number, k: number): boolean {
    return this.exports.sparseSlicePack(columns, k) !== 0;
  }

  /**
   * Pack a [k, columns] operand (stored [columns, k] when `transposed`) into the sparse paths'
   * slivers, in parallel, and run `use` with the packed copy's pointer; the copy is freed after.
   */
  private withSlivers(
    source: Float32Array,
    columns: number,
    k: number,
    transposed: boolean,
    threads: number,
    use: (packed: number) => void,
  ): void {
    const slivers = Math.ceil(columns / this.exports.sparseSliverWidth());
    const packed = this.heap.alloc(this.exports.packedSliversFloats(columns, k), true);
    try {
      this.exec(TASK.packSlivers, Math.min(threads, slivers), this.ptr(source), columns, k, transposed ? 1 : 0, this.ptr(packed));
      use(this.ptr(packed));
    } finally {
      this.heap.release(packed);
    }
  }

  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void {
    const n = x.length;
    need(out, n, 'unary out');
    const cost = TRANSCENDENTAL_UNARY.has(op) ? TRANSCENDENTAL_COST : 1;
    this.exec(TASK.unary, this.chunks(n * cost, n / 16), UNARY_CODES[op], this.ptr(x), this.ptr(out), n);
  }

  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
    const n = a.length;
    need(b, n, 'binary b');
    need(out, n, 'binary out');
    this.exec(TASK.binary, this.chunks(n, n / 16), BINARY_CODES[op], this.ptr(a), this.ptr(b), this.ptr(out), n);
  }

  affine(x: Float32Array, scale: number, shift: number, out: Float32Array): void {
    const n = x.length;
    need(out, n, 'affine out');
    this.exec(TASK.affine, this.chunks(n, n / 16), this.ptr(x), scale, shift, this.ptr(out), n);
  }

  axpy(a: Float32Array, alpha: number, b: Float32Array, out: Float32Array): void {
    const n = a.length;
    need(b, n, 'axpy b');
    need(out, n, 'axpy out');
    this.exec(TASK.axpy, this.chunks(n, n / 16), this.ptr(a), alpha, this.ptr(b), this.ptr(out), n);
  }

  clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void {
    const n = x.length;
    need(out, n, 'clamp out');
    this.exec(TASK.clamp, this.chunks(n, n / 16), this.ptr(x), lo, hi, this.ptr(out), n);
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
    need(x, rows * cols, 'biasActivation x');
    need(out, rows * cols, 'biasActivation out');
    if (bias) need(bias, cols, 'biasActivation bias');
    if (pre) need(pre, rows * cols, 'biasActivation pre');
    // Without a bias the op is elementwise, and a single row (an activation over a whole tensor,
    // e.g. after a convolution) is viewed as several so that threads can share it.
    if (!bias && rows === 1) [rows, cols] = elementwiseRows(cols);
    this.exec(
      TASK.biasActivation,
      this.chunks(rows * cols * activationCost(act), rows, ROW_KERNEL_PARALLEL_WORK),
      this.ptr(x),
      this.optPtr(bias),
      rows,
      cols,
      ACTIVATION_CODES[act],
      alpha,
      this.ptr(out),
      this.optPtr(pre),
    );
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
    need(dy, n, 'biasActivationBackward dy');
    need(pre, n, 'biasActivationBackward pre');
    need(y, n, 'biasActivationBackward y');
    need(dx, n, 'biasActivationBackward dx');
    if (dbias) need(dbias, cols, 'biasActivationBackward dbias');
    // Split by columns (in 16s), so each chunk owns its dbias entries; one strip per thread, as
    // narrow strips read every row in short pieces (128×3136 ReLU on 2 threads, alone: 0.33 ms in
    // 24 strips, 0.13–0.21 in 2, 0.12 on one thread).
    this.exec(
      TASK.biasActivationBackward,
      Math.min(this.chunks(n * activationCost(act), cols / 16, ROW_KERNEL_PARALLEL_WORK), this.pool.activeThreads),
      this.ptr(dy),
      this.ptr(pre),
      this.ptr(y),
      rows,
      cols,
      ACTIVATION_CODES[act],
      alpha,
      this.ptr(dx),
      this.optPtr(dbias),
    );
  }

  columnAffine(
    x: Float32Array,
    scale: Float32Array | null,
    shift: Float32Array | null,
    rows: number,
    cols: number,
    out: Float32Array,
  ): void {
    need(x, rows * cols, 'columnAffine x');
    need(out, rows * cols, 'columnAffine out');
    if (scale) need(scale, cols, 'columnAffine scale');
    if (shift) need(shift, cols, 'columnAffine shift');
    this.exec(
      TASK.columnAffine,
      this.chunks(rows * cols, rows),
      this.ptr(x),
      this.optPtr(scale),
      this.optPtr(shift),
      rows,
      cols,
      this.ptr(out),
    );
  }

  channelBias(x: Float32Array, bias: Float32Array, batch: number, channels: number, plane: number, out: Float32Array): void {
    const n = batch * channels * plane;
    need(x, n, 'channelBias x');
    need(out, n, 'channelBias out');
    need(bias, channels, 'channelBias bias');
    this.exec(TASK.channelBias, this.chunks(n, batch * channels), this.ptr(x), this.ptr(bias), batch, channels, plane, this.ptr(out));
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
    const n = batch * channels * plane;
    need(x, n, 'channelBiasActivation x');
    need(out, n, 'channelBiasActivation out');
    if (bias) need(bias, channels, 'channelBiasActivation bias');
    if (pre) need(pre, n, 'channelBiasActivation pre');
    this.exec(
      TASK.channelBiasActivation,
      this.chunks(n * activationCost(act), batch * channels),
      this.ptr(x),
      this.optPtr(bias),
      batch,
      channels,
      plane,
      ACTIVATION_CODES[act],
      alpha,
      this.ptr(out),
      this.optPtr(pre),
    );
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
    need(dy, n, 'channelActivationBackward dy');
    need(pre, n, 'channelActivationBackward pre');
    need(y, n, 'channelActivationBackward y');
    need(dx, n, 'channelActivationBackward dx');
    if (dbias) need(dbias, channels, 'channelActivationBackward dbias');
    // Split by planes (contiguous runs, whichever thread takes them); each plane leaves its sum in
    // `totals`, and the sums of a channel are added in sample order afterwards, so the bits do not
    // depend on the chunking.
    const planes = batch * channels;
    const totals = dbias ? this.heap.alloc(planes, true) : null;
    try {
      this.exec(
        TASK.channelActivationBackward,
        this.chunks(n * activationCost(act), planes / 16),
        this.ptr(dy),
        this.ptr(pre),
        this.ptr(y),
        planes,
        plane,
        ACTIVATION_CODES[act],
        alpha,
        this.ptr(dx),
        this.optPtr(totals),
      );
      if (dbias && totals) this.sumRows(totals, batch, channels, dbias);
    } finally {
      if (totals) this.heap.release(totals);
    }
  }

  sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    need(x, rows * cols, 'sumRows x');
    need(out, cols, 'sumRows out');
    this.exec(TASK.sumRows, this.chunks(rows * cols, cols / 16, ROW_KERNEL_PARALLEL_WORK), this.ptr(x), rows, cols, this.ptr(out));
  }

  sumCols(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    need(x, rows * cols, 'sumCols x');
    need(out, rows, 'sumCols out');
    this.exec(TASK.sumCols, this.chunks(rows * cols, rows / 16), this.ptr(x), rows, cols, this.ptr(out));
  }

  sum(x: Float32Array): number {
    return this.reduce(x, 0);
  }

  sumSquares(x: Float32Array): number {
    return this.reduce(x, 1);
  }

  bceLogits(z: Float32Array, t: Float32Array, out: Float32Array): void {
    const n = z.length;
    need(t, n, 'bceLogits t');
    need(out, n, 'bceLogits out');
    this.exec(TASK.bceLogits, this.chunks(n * TRANSCENDENTAL_COST, n / 16), this.ptr(z), this.ptr(t), this.ptr(out), n);
  }

  bceLogitsGrad(z: Float32Array, t: Float32Array, scale: number, grad: Float32Array | null): number {
    const n = z.length;
    need(t, n, 'bceLogitsGrad t');
    if (grad) need(grad, n, 'bceLogitsGrad grad');
    const chunks = this.exec(
      TASK.bceLogitsGrad,
      this.chunks(n * TRANSCENDENTAL_COST, n / 16),
      this.ptr(z),
      this.ptr(t),
      scale,
      this.optPtr(grad),
      n,
    );
    return this.partialSum(chunks);
  }

  adam(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, args: AdamArgs): void {
    const n = param.length;
    need(grad, n, 'adam grad');
    need(m, n, 'adam m');
    need(v, n, 'adam v');
    this.exec(
      TASK.adam,
      this.chunks(n * 4, n / 16),
      this.ptr(param),
      this.ptr(grad),
      this.ptr(m),
      this.ptr(v),
      ...adamHyperparameters(args),
      n,
    );
  }

  adamGroup(slots: readonly AdamSlot[], args: AdamArgs): void {
    if (slots.length === 0) return;
    const { table, total } = this.adamTable(slots);
    try {
      const hyper = adamHyperparameters(args);
      this.exec(TASK.adamTable, this.chunks(total * 4, total / 16), this.ptr(table), slots.length, ...hyper, total);
    } finally {
      this.heap.release(table);
    }
  }

  /**
   * On one thread the deferred slots are gathered and updated in one job at `startDeferred()` or
   * `settle()`, whichever comes first. With
   * workers, each call's slots become background chunks (asm/tasks.ts workOne) as soon as the
   * previous background job is finished, and are taken up by whichever thread is waiting.
   */
  adamGroupDeferred(slots: readonly AdamSlot[], args: AdamArgs): void {
    if (slots.length === 0) return;
    if (this.deferredArgs !== null && !sameAdamArgs(this.deferredArgs, args)) this.settle();
    this.deferred.push(...slots);
    this.deferredArgs = args;
    if (this.pool.activeThreads > 1) this.publishDeferred();
  }

  startDeferred(): void {
    if (this.deferred.length === 0) return;
    // One thread has no background to run them on: update now, while the backward pass's last
    // gradients are still in cache, rather than after the next batch's rows have evicted them.
    if (this.pool.activeThreads === 1) {
      this.settle();
      return;
    }
    if (!this.pool.backgroundIdle()) this.pool.finishBackground();
    this.publishDeferred();
  }

  settle(): void {
    try {
      for (;;) {
        if (this.sideTable !== null) {
          this.pool.finishBackground();
          this.heap.release(this.sideTable);
          this.sideTable = null;
        }
        if (this.deferred.length === 0) break;
        if (this.pool.activeThreads === 1) {
          const slots = this.deferred;
          this.deferred = [];
          this.adamGroup(slots, this.deferredArgs!);
        } else {
          this.publishDeferred();
        }
      }
    } finally {
      this.deferred = [];
      this.deferredArgs = null;
    }
  }

  /** Publish the deferred slots as the background job if the previous one has finished. */
  private publishDeferred(): void {
    if (this.deferred.length === 0 || !this.pool.backgroundIdle()) return;
    if (this.sideTable !== null) this.heap.release(this.sideTable);
    const slots = this.deferred;
    this.deferred = [];
    const { table, total } = this.adamTable(slots);
    this.sideTable = table;
    this.sideHeader[JOB_SLOT.id] = TASK.adamTable;
    const args = [this.ptr(table), slots.length, ...adamHyperparameters(this.deferredArgs!), total];
    for (let i = 0; i < args.length; i++) this.sideArgs[i] = args[i]!;
    // Short chunks: a thread that takes one up is back for its own job within microseconds.
    this.pool.startBackground(Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(total / BACKGROUND_CHUNK))));
  }

  /**
   * Rows of param, grad, m, v, n, start (asm/elementwise.ts adamTable); each parameter starts on
   * a multiple of 16 of one index space, which the job's chunks split. The caller releases it.
   */
  private adamTable(slots: readonly AdamSlot[]): { table: Float32Array; total: number } {
    // Checked and converted before the table is allocated, so a bad slot leaves nothing behind.
    const values: number[] = [];
    let total = 0;
    for (const { param, grad, m, v } of slots) {
      const n = param.length;
      need(grad, n, 'adam grad');
      need(m, n, 'adam m');
      need(v, n, 'adam v');
      values.push(this.ptr(param), this.ptr(grad), this.ptr(m), this.ptr(v), n, total);
      total += Math.ceil(n / 16) * 16;
    }
    const table = this.heap.alloc(ADAM_TABLE_COLUMNS * slots.length, true);
    new Int32Array(table.buffer, table.byteOffset, table.length).set(values);
    return { table, total };
  }

  im2col(images: Float32Array, geometry: Conv2dGeometry, cols: Float32Array, batch: number): void {
    this.imageColumns('im2col', images, geometry, cols, batch);
  }

  col2im(cols: Float32Array, geometry: Conv2dGeometry, images: Float32Array, batch: number): void {
    this.imageColumns('col2im', images, geometry, cols, batch);
  }

  /**
   * im2col reads the images and writes the columns, col2im the reverse: same sizes, split and
   * geometry. Short output rows go through a tap table (asm/conv-gather.ts), built here for the call.
   */
  private imageColumns(op: 'im2col' | 'col2im', images: Float32Array, g: Conv2dGeometry, cols: Float32Array, batch: number): void {
    need(images, batch * g.channels * g.height * g.width, `${op} images`);
    need(cols, g.channels * g.kernelH * g.kernelW * batch * g.outH * g.outW, `${op} cols`);
    const [from, to] = op === 'im2col' ? [images, cols] : [cols, images];
    const phases = this.usesPhasePlanes(g);
    const table = this.tapTable(g, phases);
    try {
      this.exec(
        TASK[op],
        this.chunks(batch * g.channels * g.kernelH * g.kernelW * g.outH * g.outW, batch * g.channels),
        this.ptr(from),
        this.ptr(to),
        ...geometryArgs(g),
        batch,
        this.optPtr(table),
        phases ? this.scratch : 0,
        this.scratchStride,
      );
    } finally {
      if (table) this.heap.release(table);
    }
  }

  /**
   * The tap table of asm/conv-gather.ts for a geometry with short output rows that the phase
   * planes do not serve, filled; null when the row loops serve it. The caller releases it.
   */
  private tapTable(g: Conv2dGeometry, phases: boolean): Float32Array | null {
    const entries = g.kernelH * g.kernelW * g.outH * g.outW;
    // Padding lanes point into the image plane, so the table needs a plane of at least one pixel.
    const useTable = !phases && g.outW < TAP_TABLE_MAX_WIDTH && entries <= TAP_TABLE_MAX_ENTRIES && g.height * g.width > 0;
    if (!useTable) return null;
    const table = this.heap.alloc(entries, true);
    fillTapTable(new Int32Array(table.buffer, table.byteOffset, entries), g);
    return table;
  }

  /**
   * im2col/col2im through the image's phase planes (asm/conv-phase.ts): stride 2 and dilation 1 on
   * both axes with the image exactly twice the column plane, as in W2's up- and downsampling layers.
   */
  private usesPhasePlanes(g: Conv2dGeometry): boolean {
    const plane = g.outH * g.outW;
    return (
      g.strideH === 2 &&
      g.strideW === 2 &&
      g.dilationH === 1 &&
      g.dilationW === 1 &&
      g.height === 2 * g.outH &&
      g.width === 2 * g.outW &&
      plane > 0 &&
      this.exports.phaseScratchFloats(g.kernelH, g.kernelW, g.padH, g.padW, g.outH, g.outW) * 4 <= this.scratchStride
    );
  }

  /**
   * images = col2im(Wᵀ · x) one sample at a time (asm/conv-fused.ts), for x [batch, channels,
   * plane] and w [channels, depth]: no axis swap and no batch-wide column matrix. The product takes
   * the sparse right-operand path by the rule gemm() applies to the batched product, [depth,
   * channels]·[channels, batch·plane], and the threads split the samples.
   */
  channelsToImage(w: Float32Array, x: Float32Array, batch: number, channels: number, g: Conv2dGeometry, images: Float32Array): void {
    const depth = g.channels * g.kernelH * g.kernelW;
    const plane = g.outH * g.outW;
    need(w, channels * depth, 'channelsToImage w');
    need(x, batch * channels * plane, 'channelsToImage x');
    need(images, batch * g.channels * g.height * g.width, 'channelsToImage images');
    if (batch === 0) return;
    const threads = this.pool.activeThreads;
    const parallel = threads > 1 && 2 * depth * batch * plane * channels >= GEMM_PARALLEL_FLOPS;
    const limit = channels > 0 ? this.sparseBLimit(depth, batch * plane, channels) : 0;
    const sparse = limit > 0 && this.nonZeros(x.subarray(0, batch * channels * plane)) <= limit * batch * channels * plane;
    const block = this.fusedBlockSamples ?? (sparse ? SPARSE_FUSED_BLOCK : fusedBlock(depth, plane));
    // A chunk per block: no chunk repacks W, and the last chunks to finish are short, so both
    // threads stay busy to the end (W2's 16 blocks of 8 samples in 6 chunks ran 3 blocks on one
    // thread against 2 and 1 on the other at the end).
    const chunks = parallel ? Math.min(Math.ceil(batch / block), MAX_CHUNKS) : 1;
    const phases = this.usesPhasePlanes(g);
    // Per thread (any thread may claim a chunk): a block's swapped x, its columns; whole cache lines apart.
    const floats = (block > 1 ? channels * block * plane : 0) + depth * block * plane;
    const stride = Math.ceil(floats / 16) * 16;
    const table = this.tapTable(g, phases);
    let buffer: Float32Array | null = null;
    try {
      buffer = this.heap.alloc(stride * threads, true);
      const run = (packed: number): void => {
        this.exec(
          TASK.channelsToImage,
          chunks,
          this.ptr(w),
          this.ptr(x),
          ...geometryArgs(g),
          batch,
          this.optPtr(table),
          this.ptr(images),
          this.scratch,
          this.scratchStride,
          this.ptr(buffer!),
          stride * 4,
          channels,
          packed,
          phases ? 1 : 0,
          block,
        );
      };
      // The sparse path's op(A)ᵀ is W itself, [channels, depth]: packed once for every chunk.
      if (sparse) this.withSlivers(w, depth, channels, false, threads, run);
      else run(0);
    } finally {
      if (buffer) this.heap.release(buffer);
      if (table) this.heap.release(table);
    }
  }

  swapAxes(x: Float32Array, a: number, b: number, inner: number, out: Float32Array): void {
    need(x, a * b * inner, 'swapAxes x');
    need(out, a * b * inner, 'swapAxes out');
    this.exec(TASK.swapAxes, this.chunks(a * b * inner, b), this.ptr(x), a, b, inner, this.ptr(out));
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
    need(w, rows * depth, 'columnsToChannels w');
    need(cols, depth * batch * plane, 'columnsToChannels cols');
    need(out, batch * rows * plane, 'columnsToChannels out');
    if (bias) need(bias, rows, 'columnsToChannels bias');
    this.exec(
      TASK.columnsToChannels,
      this.chunks(batch * rows * plane * depth, batch),
      this.ptr(w),
      this.ptr(cols),
      this.optPtr(bias),
      this.ptr(out),
      batch,
      rows,
      depth,
      plane,
    );
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
    need(w, channels * depth, 'channelsToColumns w');
    need(x, batch * channels * plane, 'channelsToColumns x');
    need(cols, depth * batch * plane, 'channelsToColumns cols');
    this.exec(
      TASK.channelsToColumns,
      this.chunks(batch * channels * plane * depth, batch),
      this.ptr(w),
      this.ptr(x),
      this.ptr(cols),
      batch,
      channels,
      depth,
      plane,
    );
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
    need(g, batch * rows * plane, 'channelColumnsGrad g');
    need(cols, depth * batch * plane, 'channelColumnsGrad cols');
    need(dw, rows * depth, 'channelColumnsGrad dw');
    // Split by rows of dw in fours, so that each value's sum runs over the whole batch on one thread.
    this.exec(
      TASK.channelColumnsGrad,
      this.chunks(batch * rows * plane * depth, rows / 4),
      this.ptr(g),
      this.ptr(cols),
      this.ptr(dw),
      batch,
      rows,
      depth,
      plane,
      accumulate ? 1 : 0,
      this.scratch,
      this.scratchStride,
    );
  }

  maxPool2d(image: Float32Array, geometry: Conv2dGeometry, out: Float32Array, argmax: Float32Array): void {
    const g = geometry;
    const outSize = g.channels * g.outH * g.outW;
    need(image, g.channels * g.height * g.width, 'maxPool2d image');
    need(out, outSize, 'maxPool2d out');
    need(argmax, outSize, 'maxPool2d argmax');
    this.exec(
      TASK.maxPool2d,
      this.chunks(outSize * g.kernelH * g.kernelW, g.channels),
      this.ptr(image),
      this.ptr(out),
      this.ptr(argmax),
      ...geometryArgs(g),
    );
  }

  maxPool2dBackward(dy: Float32Array, argmax: Float32Array, geometry: Conv2dGeometry, dx: Float32Array): void {
    const g = geometry;
    const outSize = g.channels * g.outH * g.outW;
    need(dy, outSize, 'maxPool2dBackward dy');
    need(argmax, outSize, 'maxPool2dBackward argmax');
    need(dx, g.channels * g.height * g.width, 'maxPool2dBackward dx');
    this.exec(
      TASK.maxPool2dBackward,
      this.chunks(outSize + g.channels * g.height * g.width, g.channels),
      this.ptr(dy),
      this.ptr(argmax),
      this.ptr(dx),
      ...geometryArgs(g),
    );
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
    const outSize = channels * upsampleSize(h, scaleH) * upsampleSize(w, scaleW);
    need(x, channels * h * w, 'upsample2d x');
    need(out, outSize, 'upsample2d out');
    this.exec(
      TASK.upsample2d,
      this.chunks(outSize * (mode === 'nearest' ? 1 : 4), channels),
      this.ptr(x),
      this.ptr(out),
      channels,
      h,
      w,
      scaleH,
      scaleW,
      UPSAMPLE_CODES[mode],
      alignCorners ? 1 : 0,
    );
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
    const outSize = channels * upsampleSize(h, scaleH) * upsampleSize(w, scaleW);
    need(dy, outSize, 'upsample2dBackward dy');
    need(dx, channels * h * w, 'upsample2dBackward dx');
    this.exec(
      TASK.upsample2dBackward,
      this.chunks(outSize * (mode === 'nearest' ? 1 : 4), channels),
      this.ptr(dy),
      this.ptr(dx),
      channels,
      h,
      w,
      scaleH,
      scaleW,
      UPSAMPLE_CODES[mode],
      alignCorners ? 1 : 0,
    );
  }

  /**
   * Counted on one thread below ROW_KERNEL_PARALLEL_WORK elements: the operand was mostly just
   * written by both cores (timed call by call in W1 training on 2 threads: 100k floats 32 µs on one
   * thread against 48 µs split, 65k 23 against 37).
   */
  private nonZeros(x: Float32Array): number {
    return this.reduce(x, 2, ROW_KERNEL_PARALLEL_WORK);
  }

  /** Mode 0 sums x, 1 sums its squares, 2 counts its non-zeros. */
  private reduce(x: Float32Array, mode: 0 | 1 | 2, minWork = ELEMENTWISE_PARALLEL_WORK): number {
    return this.partialSum(this.exec(TASK.sum, this.chunks(x.length, x.length / 16, minWork), this.ptr(x), mode, x.length));
  }

  /** Sum of the per-chunk partial results of the last job, in chunk order. */
  private partialSum(chunks: number): number {
    let total = 0;
    for (let i = 0; i < chunks; i++) total += this.args[ARG_SLOTS + i]!;
    return total;
  }

  /** Chunks for `work` that can be cut into at most `units` pieces: 1 unless worth threading (from `minWork`). */
  private chunks(work: number, units: number, minWork = ELEMENTWISE_PARALLEL_WORK): number {
    const threads = this.pool.activeThreads;
    if (threads === 1 || work < minWork) return 1;
    const wanted = Math.max(threads, Math.ceil(work / CHUNK_WORK));
    return Math.max(1, Math.min(MAX_CHUNKS, Math.floor(units), wanted));
  }

  private ptr(view: Float32Array): number {
    return this.heap.pointer(view);
  }

  private optPtr(view: Float32Array | null): number {
    return view ? this.heap.pointer(view) : 0;
  }

  /**
   * Write the job and run it, cut into `chunks` claimed by the caller and (when more than one)
   * the workers. Returns the chunk count.
   */
  private exec(task: TaskId, chunks: number, ...args: number[]): number {
    // Deferred updates waiting for the previous background job start as soon as it is done (on
    // one thread they wait for settle()).
    if (this.deferred.length > 0 && this.pool.activeThreads > 1) this.publishDeferred();
    this.header[JOB_SLOT.id] = task;
    const slots = this.args;
    for (let i = 0; i < args.length; i++) slots[i] = args[i]!;
    this.pool.run(chunks, chunks > 1);
    return chunks;
  }
}

/** Int32 columns of a row of the adamTable task: param, grad, m, v, n, start. */
const ADAM_TABLE_COLUMNS = 6;
/** Weights per background chunk of a deferred Adam update (some 5–10 µs). */
const BACKGROUND_CHUNK = 8192;

function sameAdamArgs(a: AdamArgs, b: AdamArgs): boolean {
  return (
    a.lr === b.lr &&
    a.beta1 === b.beta1 &&
    a.beta2 === b.beta2 &&
    a.eps === b.eps &&
    a.weightDecay === b.weightDecay &&
    a.decoupled === b.decoupled &&
    a.step === b.step
  );
}

/** The kernel's Adam arguments: beta1, beta2, eps, l2, decay, stepSize, invC2. */
function adamHyperparameters({ lr, beta1, beta2, eps, weightDecay, decoupled, step }: AdamArgs): number[] {
  const l2 = decoupled ? 0 : weightDecay;
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const invC2 = 1 / (1 - Math.pow(beta2, step));
  return [beta1, beta2, eps, l2, decay, stepSize, invC2];
}

function fixedHeap(): WasmHeap {
  let failure: unknown;
  for (const pages of UNSHARED_PAGES) {
    try {
      return new WasmHeap(pages, pages, false);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/**
 * The tap table of asm/conv-gather.ts: for each tap (ky, kx) and output position (oy, ox), the
 * byte offset of the input pixel in its plane, or for a padding pixel an in-plane offset (spread
 * over the plane, so padding lanes do not chain on one pixel) with bit 0 set.
 */
function fillTapTable(table: Int32Array, g: Conv2dGeometry): void {
  const planeIn = g.height * g.width;
  let e = 0;
  for (let ky = 0; ky < g.kernelH; ky++) {
    for (let kx = 0; kx < g.kernelW; kx++) {
      for (let oy = 0; oy < g.outH; oy++) {
        const iy = oy * g.strideH - g.padH + ky * g.dilationH;
        for (let ox = 0; ox < g.outW; ox++, e++) {
          const ix = ox * g.strideW - g.padW + kx * g.dilationW;
          const inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width;
          table[e] = inside ? (iy * g.width + ix) * 4 : ((e % planeIn) * 4) | 1;
        }
      }
    }
  }
}

/**
 * [rows, cols] view of `n` elements for a split among threads: the most rows (up to 64) that
 * divide n into rows of at least 1,024 floats, each a whole number of 16-float cache lines; one
 * row when no such view exists.
 */
function elementwiseRows(n: number): [number, number] {
  for (let rows = 64; rows > 1; rows--) {
    const cols = n / rows;
    if (Number.isInteger(cols) && cols >= 1024 && cols % 16 === 0) return [rows, cols];
  }
  return [1, n];
}

function geometryArgs(g: Conv2dGeometry): number[] {
  return [
    g.channels,
    g.height,
    g.width,
    g.kernelH,
    g.kernelW,
    g.strideH,
    g.strideW,
    g.padH,
    g.padW,
    g.dilationH,
    g.dilationW,
    g.outH,
    g.outW,
  ];
}
