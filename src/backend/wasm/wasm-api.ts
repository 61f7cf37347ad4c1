/**
 * The slice of the WebAssembly JavaScript API this backend uses, typed locally: the project's
 * `lib` (ES2022, no DOM) declares no WebAssembly globals, and reaching them through `globalThis`
 * also lets `wasmAvailable()` answer false instead of crashing where they are missing.
 */

export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  /** Grow by `pages` 64 KiB pages; returns the previous size in pages. */
  grow(pages: number): number;
}

/** A compiled module (opaque; structured-cloneable to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export interface WasmApi {
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
}

/** The host's WebAssembly API, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The host's WebAssembly API; throws where there is none. */
export function requireWasmApi(): WasmApi {
  const api = wasmApi();
  if (api === undefined) throw new Error('WebAssembly is not available in this environment');
  return api;
}
