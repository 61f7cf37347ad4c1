/**
 * Loading the wasm kernels: pick the build (relaxed SIMD where the host validates it, plain SIMD
 * otherwise), decode the embedded bytes, compile once, instantiate per thread on the shared
 * memory, and check the exports the TypeScript side relies on.
 *
 * Invariant: one backend runs one build on every thread, so a seeded run gives the same bits
 * whatever the thread count; the two builds agree to float32 tolerance, not bit for bit (fused
 * multiply-add rounds once where the plain build rounds twice).
 */

import {
  KERNELS_MAX_PAGES,
  KERNELS_SHARED_BASE64,
  KERNELS_SHARED_RELAXED_BASE64,
  KERNELS_SINGLE_PATCH,
  KERNELS_SINGLE_RELAXED_PATCH,
  type SingleMemoryPatch,
} from './kernels-wasm.js';
import { requireWasmApi, wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';

/** The exports of asm/index.ts. */
export interface KernelExports {
  /** Claim and run chunks of the job at byte offset `job` until none are left (t: scratch index). */
  work(job: number, t: number): void;
  /** Claim and run at most one chunk of the job at `job`: 1 when one ran, 0 when none was left. */
  workOne(job: number, t: number): number;
  /** Floats of packing scratch one thread's GEMM needs. */
  gemmScratchFloats(): number;
  /** Rows per micro-tile of the dense GEMM in this build (6 with relaxed SIMD, 4 without). */
  gemmTileRows(): number;
  /** Floats of scratch the phase-plane im2col/col2im needs for this geometry. */
  phaseScratchFloats(kH: number, kW: number, pH: number, pW: number, outH: number, outW: number): number;
  /** Floats of a sparse path's packed operand of `columns` columns and depth k (whole slivers). */
  packedSliversFloats(columns: number, k: number): number;
  /** 1 when a sparse path packs its swept operand ([k, columns]) whole into its own scratch, else 0. */
  sparseOwnPack(columns: number, k: number): number;
  /** 1 when the mostly-zero-B path packs its swept operand ([k, columns]) whole into its own scratch, else 0. */
  sparseOwnPackB(columns: number, k: number): number;
  /** 1 when the mostly-zero-A path can pack its swept operand one k slice at a time, else 0. */
  sparseSlicePack(columns: number, k: number): number;
  /** 1 when the mostly-zero-A path can run split into `groups` depth groups, each packing its own k slices, else 0. */
  sparseDepthSplitFits(columns: number, k: number, groups: number): number;
  /** Columns per packed sliver of the sparse paths in this build. */
  sparseSliverWidth(): number;
  /** Floats of a dense product's op(B) packed ahead of time (n columns, depth k). */
  packedPanelsFloats(n: number, k: number): number;
  /** 1 when the dense GEMM packs op(B) for this product (not a direct or dot-product path), else 0. */
  gemmPacksB(m: number, n: number, k: number, transA: number, transB: number): number;
}

export { KERNELS_MAX_PAGES };

/** The kernel builds: `relaxed` uses relaxed SIMD's fused multiply-add, `simd` plain 128-bit SIMD. */
export type KernelVariant = 'relaxed' | 'simd';

/**
 * The smallest module that uses relaxed SIMD: one function computing f32x4.relaxed_madd of three
 * v128 constants. Hosts without the feature (Node 20 without flags, older browsers) reject it.
 */
// prettier-ignore
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // types: () -> ()
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x3e, 0x01, 0x3c, 0x00, // code: one body of 60 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array<number>(16).fill(0)]), // 3 × v128.const 0
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x1a, 0x0b, // drop, end
]);

let relaxedSupported: boolean | undefined;

/** True when this host validates WebAssembly relaxed SIMD (Node 22+, Chrome 114+). */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupported === undefined) {
    const api = wasmApi();
    try {
      relaxedSupported = api !== undefined && api.validate(RELAXED_PROBE);
    } catch {
      relaxedSupported = false;
    }
  }
  return relaxedSupported;
}

/** The fastest build this host runs: relaxed SIMD where validated, plain SIMD otherwise. */
export function bestKernelVariant(): KernelVariant {
  return relaxedSimdSupported() ? 'relaxed' : 'simd';
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const EMBEDDED: Readonly<Record<KernelVariant, { shared: string; single: SingleMemoryPatch }>> = {
  relaxed: { shared: KERNELS_SHARED_RELAXED_BASE64, single: KERNELS_SINGLE_RELAXED_PATCH },
  simd: { shared: KERNELS_SHARED_BASE64, single: KERNELS_SINGLE_PATCH },
};

const bytes = new Map<string, Uint8Array>();
const compiled = new Map<string, Promise<WasmModule>>();

/** The module bytes: `shared` imports a shared memory (threads), otherwise an unshared one. */
function kernelBytes(shared: boolean, variant: KernelVariant): Uint8Array {
  const key = `${variant}:${shared}`;
  let found = bytes.get(key);
  if (!found) {
    found = decodeBase64(EMBEDDED[variant].shared);
    // The unshared module differs from the shared one in the memory import's limits flag alone.
    if (!shared) found[EMBEDDED[variant].single.offset] = EMBEDDED[variant].single.value;
    bytes.set(key, found);
  }
  return found;
}

/**
 * True when this host can compile the kernels (WebAssembly with SIMD; shared memory if `shared`;
 * relaxed SIMD for the `relaxed` build).
 */
export function kernelsValid(shared: boolean, variant: KernelVariant = 'simd'): boolean {
  const api = wasmApi();
  if (api === undefined || (shared && typeof SharedArrayBuffer === 'undefined')) return false;
  if (variant === 'relaxed' && !relaxedSimdSupported()) return false;
  try {
    return api.validate(kernelBytes(shared, variant));
  } catch {
    return false;
  }
}

/** The compiled kernel module (compiled once per process, memory kind and build; shared by every thread). */
export function compileKernels(shared: boolean, variant: KernelVariant): Promise<WasmModule> {
  const key = `${variant}:${shared}`;
  let found = compiled.get(key);
  if (!found) compiled.set(key, (found = requireWasmApi().compile(kernelBytes(shared, variant))));
  return found;
}

function exportedFunction(exports: Readonly<Record<string, unknown>>, name: string): (...args: never[]) => unknown {
  const value = exports[name];
  if (typeof value !== 'function') throw new Error(`wasm kernels lack the export "${name}"`);
  return value as (...args: never[]) => unknown;
}

/** Instantiate the kernels on `memory` (shared or not as the module was compiled; KERNELS_MAX_PAGES maximum). */
export async function instantiateKernels(module: WasmModule, memory: WasmMemory): Promise<KernelExports> {
  const instance = await requireWasmApi().instantiate(module, { env: { memory } });
  const work = exportedFunction(instance.exports, 'work') as KernelExports['work'];
  const workOne = exportedFunction(instance.exports, 'workOne') as KernelExports['workOne'];
  const gemmScratchFloats = exportedFunction(instance.exports, 'gemmScratchFloats') as KernelExports['gemmScratchFloats'];
  const gemmTileRows = exportedFunction(instance.exports, 'gemmTileRows') as KernelExports['gemmTileRows'];
  const phaseScratchFloats = exportedFunction(instance.exports, 'phaseScratchFloats') as KernelExports['phaseScratchFloats'];
  const packedSliversFloats = exportedFunction(instance.exports, 'packedSliversFloats') as KernelExports['packedSliversFloats'];
  const sparseOwnPack = exportedFunction(instance.exports, 'sparseOwnPack') as KernelExports['sparseOwnPack'];
  const sparseOwnPackB = exportedFunction(instance.exports, 'sparseOwnPackB') as KernelExports['sparseOwnPackB'];
  const sparseSlicePack = exportedFunction(instance.exports, 'sparseSlicePack') as KernelExports['sparseSlicePack'];
  const sparseDepthSplitFits = exportedFunction(instance.exports, 'sparseDepthSplitFits') as KernelExports['sparseDepthSplitFits'];
  const sparseSliverWidth = exportedFunction(instance.exports, 'sparseSliverWidth') as KernelExports['sparseSliverWidth'];
  const packedPanelsFloats = exportedFunction(instance.exports, 'packedPanelsFloats') as KernelExports['packedPanelsFloats'];
  const gemmPacksB = exportedFunction(instance.exports, 'gemmPacksB') as KernelExports['gemmPacksB'];
  return {
    work,
    workOne,
    gemmScratchFloats,
    gemmTileRows,
    phaseScratchFloats,
    packedSliversFloats,
    sparseOwnPack,
    sparseOwnPackB,
    sparseSlicePack,
    sparseDepthSplitFits,
    sparseSliverWidth,
    packedPanelsFloats,
    gemmPacksB,
  };
}
