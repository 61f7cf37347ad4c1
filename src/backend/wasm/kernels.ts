/**
 * Loading the wasm kernels: decode the embedded bytes, compile once, instantiate per thread on the
 * shared memory, and check the exports the TypeScript side relies on.
 */

import { KERNELS_MAX_PAGES, KERNELS_SHARED_BASE64, KERNELS_SINGLE_BASE64 } from './kernels-wasm.js';
import { requireWasmApi, wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';

/** The exports of asm/index.ts. */
export interface KernelExports {
  /** Claim and run chunks of the job at byte offset `job` until none are left (t: scratch index). */
  work(job: number, t: number): void;
  /** Floats of packing scratch one thread's GEMM needs. */
  gemmScratchFloats(): number;
}

export { KERNELS_MAX_PAGES };

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const bytes = new Map<boolean, Uint8Array>();
const compiled = new Map<boolean, Promise<WasmModule>>();

/** The module bytes: `shared` imports a shared memory (threads), otherwise an unshared one. */
function kernelBytes(shared: boolean): Uint8Array {
  let found = bytes.get(shared);
  if (!found) bytes.set(shared, (found = decodeBase64(shared ? KERNELS_SHARED_BASE64 : KERNELS_SINGLE_BASE64)));
  return found;
}

/** True when this host can compile the kernels (WebAssembly with SIMD; shared memory if `shared`). */
export function kernelsValid(shared: boolean): boolean {
  const api = wasmApi();
  if (api === undefined || (shared && typeof SharedArrayBuffer === 'undefined')) return false;
  try {
    return api.validate(kernelBytes(shared));
  } catch {
    return false;
  }
}

/** The compiled kernel module (compiled once per process and variant, shared by every thread). */
export function compileKernels(shared: boolean): Promise<WasmModule> {
  let found = compiled.get(shared);
  if (!found) compiled.set(shared, (found = requireWasmApi().compile(kernelBytes(shared))));
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
  const gemmScratchFloats = exportedFunction(instance.exports, 'gemmScratchFloats') as KernelExports['gemmScratchFloats'];
  return { work, gemmScratchFloats };
}
