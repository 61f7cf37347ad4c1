/**
 * Task dispatcher. A job is cut into chunks; every thread (the caller and each worker) calls
 * `work(job, t)`, which claims chunks one at a time from an atomic ticket and runs them, until
 * none are left. A thread that wakes late (a busy machine) finds nothing and costs nothing: the
 * caller waits only for chunks that were actually claimed, never for an idle worker.
 *
 * Job layout (bytes from `job`): i32 task id at 0; i32 ticket at 4 = chunks << 16 | next chunk;
 * i32 count of finished chunks at 8; float64 arguments at 16 (ARG_SLOTS of them); float64
 * per-chunk partial results after them. The caller writes id and arguments, zeroes the count,
 * and publishes the ticket last. A claim is a compare-and-swap of the ticket, so a claimed chunk
 * always belongs to the current job, whose arguments cannot change until every claimed chunk is
 * counted. Task ids and argument orders are mirrored in src/backend/wasm/codes.ts. Chunk slices
 * are aligned (16 floats = one cache line for elementwise work, whole micro-tiles for GEMM).
 */

import { adam, adamTable, affine, axpy, bceLogits, bceLogitsGrad, binary, clamp, countNonZero, sum, unary } from './elementwise';
import { biasActivation, biasActivationBackward, columnAffine, sumCols, sumRows } from './rows';
import { col2im, im2col, swapAxes } from './conv';
import { maxPool2d, maxPool2dBackward, upsample2d, upsample2dBackward } from './pool';
import { channelActivationBackward, channelBias, channelBiasActivation } from './channels';
import { channelColumnsGrad, channelsToColumns, columnsToChannels } from './conv-thin';
import { channelsToImage } from './conv-fused';
import { gemm, MR, NR, scaleC } from './gemm';
import { addPartials, gemmDepthGroup, gemmSparseDepthGroup } from './gemm-depth';
import { packPanels } from './gemm-prepacked';
import { gemmSparseA, gemmSparseB, packSlivers, SW } from './gemm-sparse';

export const ARG_SLOTS = 32;
// @ts-ignore: decorator
@inline const TICKET: usize = 4;
// @ts-ignore: decorator
@inline const DONE: usize = 8;
// @ts-ignore: decorator
@inline const ARGS: usize = 16;

const T_GEMM = 1;
const T_UNARY = 2;
const T_BINARY = 3;
const T_AFFINE = 4;
const T_AXPY = 5;
const T_CLAMP = 6;
const T_BIAS_ACT = 7;
const T_BIAS_ACT_BACK = 8;
const T_COLUMN_AFFINE = 9;
const T_SUM_ROWS = 10;
const T_SUM_COLS = 11;
const T_SUM = 12;
const T_BCE = 13;
const T_ADAM = 14;
const T_IM2COL = 15;
const T_COL2IM = 16;
const T_SWAP_AXES = 17;
const T_MAX_POOL = 18;
const T_MAX_POOL_BACK = 19;
const T_UPSAMPLE = 20;
const T_UPSAMPLE_BACK = 21;
const T_PACK_SLIVERS = 22;
const T_GEMM_SPARSE = 23;
const T_GEMM_SPARSE_B = 24;
const T_CHANNEL_BIAS = 25;
// Numbered apart from the others so tasks added elsewhere do not collide with them.
const T_BCE_GRAD = 41;
const T_ADAM_TABLE = 42;
// The shallow convolution products, numbered apart likewise.
const T_COLUMNS_TO_CHANNELS = 50;
const T_CHANNELS_TO_COLUMNS = 51;
const T_CHANNEL_COLUMNS_GRAD = 52;
// The depth-split GEMM (gemm-depth.ts), numbered apart likewise.
const T_GEMM_DEPTH = 53;
const T_ADD_PARTIALS = 54;
const T_GEMM_SPARSE_DEPTH = 58;
// A convolution's bias + activation, forward and backward (channels.ts).
const T_CHANNEL_BIAS_ACT = 55;
const T_CHANNEL_ACT_BACK = 56;
// A transposed convolution's column product folded into its images (conv-fused.ts).
const T_CHANNELS_TO_IMAGE = 57;
// A weight's op(B) packed ahead of time for T_GEMM (gemm-prepacked.ts).
const T_PACK_PANELS = 60;

// @ts-ignore: decorator
@inline
function argF(job: usize, i: i32): f64 {
  return load<f64>(job + ARGS + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline
function argI(job: usize, i: i32): i32 {
  return <i32>argF(job, i);
}
// @ts-ignore: decorator
@inline
function argP(job: usize, i: i32): usize {
  return <usize>argF(job, i);
}
// @ts-ignore: decorator
@inline
function argS(job: usize, i: i32): f32 {
  return <f32>argF(job, i);
}

// Start of slice `t` of [0, n) cut into `count` pieces whose sizes are multiples of `align`.
// @ts-ignore: decorator
@inline
function sliceStart(n: i32, t: i32, count: i32, align: i32): i32 {
  const per = ((n + count - 1) / count + align - 1) / align * align;
  return min(n, t * per);
}

/**
 * Claim and run chunks of the job at `job` until none are left; `t` picks the thread's GEMM
 * scratch. The thread that finishes the last chunk wakes the caller waiting on the count.
 */
export function work(job: usize, t: i32): void {
  for (;;) {
    const ticket = atomic.load<i32>(job + TICKET);
    const chunks = ticket >>> 16;
    const next = ticket & 0xffff;
    if (next >= chunks) return;
    if (atomic.cmpxchg<i32>(job + TICKET, ticket, ticket + 1) != ticket) continue;
    runChunk(job, next, chunks, t);
    if (atomic.add<i32>(job + DONE, 1) + 1 == chunks) atomic.notify(job + DONE, 1);
  }
}

/**
 * Claim and run at most one chunk of the job at `job`; 1 when one ran, 0 when none was left. A
 * background job (a deferred optimizer update) is taken up this way, one short chunk at a time,
 * by threads that would otherwise wait, so that each can go back to its own job at once.
 */
export function workOne(job: usize, t: i32): i32 {
  for (;;) {
    const ticket = atomic.load<i32>(job + TICKET);
    const chunks = ticket >>> 16;
    const next = ticket & 0xffff;
    if (next >= chunks) return 0;
    if (atomic.cmpxchg<i32>(job + TICKET, ticket, ticket + 1) != ticket) continue;
    runChunk(job, next, chunks, t);
    if (atomic.add<i32>(job + DONE, 1) + 1 == chunks) atomic.notify(job + DONE, 1);
    return 1;
  }
}

// Run chunk `chunk` of `count`.
function runChunk(job: usize, chunk: i32, count: i32, t: i32): void {
  const id = load<i32>(job);
  switch (id) {
    case T_GEMM: {
      const m = argI(job, 3), n = argI(job, 4);
      const scratch = argP(job, 10) + <usize>t * argP(job, 11);
      const splitRows = argI(job, 12) != 0;
      const unit = splitRows ? MR : NR;
      const lo = sliceStart(splitRows ? m : n, chunk, count, unit);
      const hi = sliceStart(splitRows ? m : n, chunk + 1, count, unit);
      gemm(
        argP(job, 0), argP(job, 1), argP(job, 2), m, n, argI(job, 5),
        argI(job, 6), argI(job, 7), argS(job, 8), argS(job, 9),
        splitRows ? lo : 0, splitRows ? hi : m, splitRows ? 0 : lo, splitRows ? n : hi, scratch,
        // A kept copy of op(B) (packPanels), or 0 to pack it here.
        argP(job, 13),
      );
      break;
    }
    case T_PACK_PANELS: {
      const n = argI(job, 1);
      const slivers = (n + NR - 1) / NR;
      packPanels(argP(job, 0), n, argI(job, 2), argI(job, 3) != 0, sliceStart(slivers, chunk, count, 1), sliceStart(slivers, chunk + 1, count, 1), argP(job, 4));
      break;
    }
    case T_UNARY: {
      const n = argI(job, 3);
      unary(argI(job, 0), argP(job, 1), argP(job, 2), sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16));
      break;
    }
    case T_BINARY: {
      const n = argI(job, 4);
      binary(argI(job, 0), argP(job, 1), argP(job, 2), argP(job, 3), sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16));
      break;
    }
    case T_AFFINE: {
      const n = argI(job, 4);
      affine(argP(job, 0), argS(job, 1), argS(job, 2), argP(job, 3), sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16));
      break;
    }
    case T_AXPY: {
      const n = argI(job, 4);
      axpy(argP(job, 0), argS(job, 1), argP(job, 2), argP(job, 3), sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16));
      break;
    }
    case T_CLAMP: {
      const n = argI(job, 4);
      clamp(argP(job, 0), argS(job, 1), argS(job, 2), argP(job, 3), sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16));
      break;
    }
    case T_BIAS_ACT: {
      const rows = argI(job, 2);
      biasActivation(
        argP(job, 0), argP(job, 1), argI(job, 3), argI(job, 4), argS(job, 5), argP(job, 6), argP(job, 7),
        sliceStart(rows, chunk, count, 1), sliceStart(rows, chunk + 1, count, 1),
      );
      break;
    }
    case T_BIAS_ACT_BACK: {
      const cols = argI(job, 4);
      biasActivationBackward(
        argP(job, 0), argP(job, 1), argP(job, 2), argI(job, 3), cols, argI(job, 5), argS(job, 6),
        argP(job, 7), argP(job, 8), sliceStart(cols, chunk, count, 16), sliceStart(cols, chunk + 1, count, 16),
      );
      break;
    }
    case T_COLUMN_AFFINE: {
      const rows = argI(job, 3);
      columnAffine(
        argP(job, 0), argP(job, 1), argP(job, 2), argI(job, 4), argP(job, 5),
        sliceStart(rows, chunk, count, 1), sliceStart(rows, chunk + 1, count, 1),
      );
      break;
    }
    case T_SUM_ROWS: {
      const cols = argI(job, 2);
      sumRows(argP(job, 0), argI(job, 1), cols, argP(job, 3), sliceStart(cols, chunk, count, 16), sliceStart(cols, chunk + 1, count, 16));
      break;
    }
    case T_SUM_COLS: {
      const rows = argI(job, 1);
      sumCols(argP(job, 0), argI(job, 2), argP(job, 3), sliceStart(rows, chunk, count, 16), sliceStart(rows, chunk + 1, count, 16));
      break;
    }
    case T_SUM: {
      const n = argI(job, 2);
      const mode = argI(job, 1);
      const i0 = sliceStart(n, chunk, count, 16), i1 = sliceStart(n, chunk + 1, count, 16);
      // Modes: 0 sum, 1 sum of squares, 2 count of non-zeros.
      const partial = mode == 2 ? countNonZero(argP(job, 0), i0, i1) : sum(argP(job, 0), mode == 1, i0, i1);
      store<f64>(job + ARGS + (<usize>(ARG_SLOTS + chunk) << 3), partial);
      break;
    }
    case T_BCE: {
      const n = argI(job, 3);
      bceLogits(argP(job, 0), argP(job, 1), argP(job, 2), sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16));
      break;
    }
    case T_BCE_GRAD: {
      const n = argI(job, 4);
      const partial = bceLogitsGrad(
        argP(job, 0), argP(job, 1), argS(job, 2), argP(job, 3), sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16),
      );
      store<f64>(job + ARGS + (<usize>(ARG_SLOTS + chunk) << 3), partial);
      break;
    }
    case T_ADAM_TABLE: {
      const total = argI(job, 9);
      adamTable(
        argP(job, 0), argI(job, 1),
        argS(job, 2), argS(job, 3), argS(job, 4), argS(job, 5), argS(job, 6), argS(job, 7), argS(job, 8),
        sliceStart(total, chunk, count, 16), sliceStart(total, chunk + 1, count, 16),
      );
      break;
    }
    case T_ADAM: {
      const n = argI(job, 11);
      adam(
        argP(job, 0), argP(job, 1), argP(job, 2), argP(job, 3),
        argS(job, 4), argS(job, 5), argS(job, 6), argS(job, 7), argS(job, 8), argS(job, 9), argS(job, 10),
        sliceStart(n, chunk, count, 16), sliceStart(n, chunk + 1, count, 16),
      );
      break;
    }
    case T_IM2COL:
    case T_COL2IM: {
      // Units are (sample, channel) pairs: argument 2 is the channel count, 15 the batch.
      const batch = argI(job, 15);
      const units = argI(job, 2) * batch;
      const u0 = sliceStart(units, chunk, count, 1), u1 = sliceStart(units, chunk + 1, count, 1);
      // Argument 17: scratch for the phase-plane path (0 for none), 18 its per-thread stride.
      const scratch = argP(job, 17) != 0 ? argP(job, 17) + <usize>t * argP(job, 18) : 0;
      if (id == T_IM2COL) im2col(argP(job, 0), argP(job, 1), job + ARGS + 16, batch, u0, u1, scratch);
      else col2im(argP(job, 0), argP(job, 1), job + ARGS + 16, batch, u0, u1, scratch);
      break;
    }
    case T_SWAP_AXES: {
      const b = argI(job, 2);
      swapAxes(argP(job, 0), argI(job, 1), b, argI(job, 3), argP(job, 4), sliceStart(b, chunk, count, 1), sliceStart(b, chunk + 1, count, 1));
      break;
    }
    case T_MAX_POOL:
    case T_MAX_POOL_BACK: {
      const channels = argI(job, 3);
      const c0 = sliceStart(channels, chunk, count, 1), c1 = sliceStart(channels, chunk + 1, count, 1);
      if (id == T_MAX_POOL) maxPool2d(argP(job, 0), argP(job, 1), argP(job, 2), job + ARGS + 24, c0, c1);
      else maxPool2dBackward(argP(job, 0), argP(job, 1), argP(job, 2), job + ARGS + 24, c0, c1);
      break;
    }
    case T_UPSAMPLE:
    case T_UPSAMPLE_BACK: {
      const channels = argI(job, 2);
      const c0 = sliceStart(channels, chunk, count, 1), c1 = sliceStart(channels, chunk + 1, count, 1);
      const bilinear = argI(job, 7) != 0, align = argI(job, 8) != 0;
      if (id == T_UPSAMPLE) upsample2d(argP(job, 0), argP(job, 1), argI(job, 3), argI(job, 4), argF(job, 5), argF(job, 6), bilinear, align, c0, c1);
      else upsample2dBackward(argP(job, 0), argP(job, 1), argI(job, 3), argI(job, 4), argF(job, 5), argF(job, 6), bilinear, align, c0, c1);
      break;
    }
    case T_PACK_SLIVERS: {
      const n = argI(job, 1);
      const slivers = (n + SW - 1) / SW;
      packSlivers(argP(job, 0), n, argI(job, 2), argI(job, 3) != 0, sliceStart(slivers, chunk, count, 1), sliceStart(slivers, chunk + 1, count, 1), argP(job, 4));
      break;
    }
    case T_GEMM_SPARSE: {
      const m = argI(job, 3), n = argI(job, 4);
      const m0 = sliceStart(m, chunk, count, 1), m1 = sliceStart(m, chunk + 1, count, 1);
      if (m1 <= m0) break;
      const beta = argS(job, 7);
      if (beta != 0 && beta != 1) scaleC(argP(job, 2), n, m0, m1, 0, n, beta);
      gemmSparseA(
        argP(job, 0), argP(job, 1), argP(job, 2), n, argI(job, 5), argS(job, 6), beta != 0, m0, m1,
        argP(job, 8) + <usize>t * argP(job, 9), argP(job, 10), argI(job, 11) != 0, 0, argI(job, 5),
      );
      break;
    }
    case T_CHANNEL_BIAS: {
      const planes = argI(job, 2) * argI(job, 3);
      channelBias(
        argP(job, 0), argP(job, 1), argI(job, 3), argI(job, 4), argP(job, 5),
        sliceStart(planes, chunk, count, 1), sliceStart(planes, chunk + 1, count, 1),
      );
      break;
    }
    case T_GEMM_SPARSE_B: {
      const n = argI(job, 4);
      const j0 = sliceStart(n, chunk, count, 4), j1 = sliceStart(n, chunk + 1, count, 4);
      if (j1 > j0) {
        gemmSparseB(
          argP(job, 0), argP(job, 1), argP(job, 2), argI(job, 3), n, argI(job, 5), argS(job, 6), j0, j1,
          argP(job, 7) + <usize>t * argP(job, 8), argP(job, 9), argI(job, 10) != 0,
        );
      }
      break;
    }
    case T_COLUMNS_TO_CHANNELS: {
      const batch = argI(job, 4);
      columnsToChannels(
        argP(job, 0), argP(job, 1), argP(job, 2), argP(job, 3), batch, argI(job, 5), argI(job, 6), argI(job, 7),
        sliceStart(batch, chunk, count, 1), sliceStart(batch, chunk + 1, count, 1),
      );
      break;
    }
    case T_CHANNELS_TO_COLUMNS: {
      const batch = argI(job, 3);
      channelsToColumns(
        argP(job, 0), argP(job, 1), argP(job, 2), batch, argI(job, 4), argI(job, 5), argI(job, 6),
        sliceStart(batch, chunk, count, 1), sliceStart(batch, chunk + 1, count, 1),
      );
      break;
    }
    case T_CHANNEL_COLUMNS_GRAD: {
      const rows = argI(job, 4);
      const o0 = sliceStart(rows, chunk, count, 4), o1 = sliceStart(rows, chunk + 1, count, 4);
      if (o1 > o0) {
        const stride = argP(job, 9);
        channelColumnsGrad(
          argP(job, 0), argP(job, 1), argP(job, 2), argI(job, 3), rows, argI(job, 5), argI(job, 6), argI(job, 7) != 0,
          o0, o1, argP(job, 8) + <usize>t * stride, <i32>(stride >> 2),
        );
      }
      break;
    }
    case T_GEMM_DEPTH: {
      // Chunk = depth group; `count` is the shape's fixed number of groups.
      gemmDepthGroup(
        argP(job, 0), argP(job, 1), argP(job, 2), argI(job, 3), argI(job, 4), argI(job, 5),
        argI(job, 6) != 0, argI(job, 7) != 0, argS(job, 8), argS(job, 9),
        argP(job, 12), chunk, count, argP(job, 10) + <usize>t * argP(job, 11),
      );
      break;
    }
    case T_GEMM_SPARSE_DEPTH: {
      // Chunk = depth group, as T_GEMM_DEPTH.
      gemmSparseDepthGroup(
        argP(job, 0), argP(job, 1), argP(job, 2), argI(job, 3), argI(job, 4), argI(job, 5),
        argI(job, 6) != 0, argS(job, 7), argS(job, 8), argP(job, 11), chunk, count, argP(job, 9) + <usize>t * argP(job, 10),
      );
      break;
    }
    case T_ADD_PARTIALS: {
      const size = argI(job, 3);
      addPartials(argP(job, 0), argP(job, 1), argI(job, 2), size, sliceStart(size, chunk, count, 16), sliceStart(size, chunk + 1, count, 16));
      break;
    }
    case T_CHANNEL_BIAS_ACT: {
      const planes = argI(job, 2) * argI(job, 3);
      channelBiasActivation(
        argP(job, 0), argP(job, 1), argI(job, 3), argI(job, 4), argI(job, 5), argS(job, 6), argP(job, 7), argP(job, 8),
        sliceStart(planes, chunk, count, 1), sliceStart(planes, chunk + 1, count, 1),
      );
      break;
    }
    case T_CHANNEL_ACT_BACK: {
      // Split over planes, in runs of 16 so a chunk's ends fall on whole cache lines.
      const planes = argI(job, 3);
      channelActivationBackward(
        argP(job, 0), argP(job, 1), argP(job, 2), argI(job, 4), argI(job, 5), argS(job, 6), argP(job, 7), argP(job, 8),
        sliceStart(planes, chunk, count, 16), sliceStart(planes, chunk + 1, count, 16),
      );
      break;
    }
    case T_CHANNELS_TO_IMAGE: {
      // Split over samples: argument 15 is the batch; 2..16 the geometry, batch and tap table as for col2im.
      const batch = argI(job, 15);
      // Argument 25: samples per block; chunks start on whole blocks.
      const block = argI(job, 25);
      const n0 = sliceStart(batch, chunk, count, block), n1 = sliceStart(batch, chunk + 1, count, block);
      if (n1 > n0) {
        channelsToImage(
          argP(job, 0), argP(job, 1), argP(job, 17), job + ARGS + 16, argI(job, 22), argP(job, 23), argI(job, 24) != 0,
          block, n0, n1, argP(job, 18) + <usize>t * argP(job, 19), argP(job, 20) + <usize>t * argP(job, 21),
        );
      }
      break;
    }
    default:
      unreachable();
  }
}
