/**
 * The backend in use. Selection is automatic (the fastest available, once `initBackend` has run)
 * and overridable by name or by the LATENT_BACKEND environment variable. Until a faster backend
 * has been initialised, the reference backend serves, so synchronous code always has one.
 *
 * The wasm backend is loaded by a dynamic import inside `initBackend`, not registered by a
 * side-effect import: the package declares itself free of side effects, so a bundle that never
 * calls `initBackend` (a page that only uses `Pca`) leaves the kernels out.
 */

import { LatentError } from '../errors.js';
import type { Backend } from './backend.js';
import { JsBackend } from './js/js-backend.js';

export type BackendName = 'js' | 'wasm';
export const BACKEND_NAMES: readonly BackendName[] = ['js', 'wasm'];

/** A loader for a backend that needs asynchronous setup (compiling wasm, starting workers). */
export type BackendLoader = (options: { threads?: number }) => Promise<Backend | undefined>;

/** Loads the wasm backend, or gives undefined where this host cannot run its kernels. */
async function loadWasm(options: { threads?: number }): Promise<Backend | undefined> {
  const wasm = await import('./wasm/index.js');
  return wasm.wasmAvailable() ? wasm.createWasmBackend(options) : undefined;
}

const loaders = new Map<BackendName, BackendLoader>([['wasm', loadWasm]]);
let current: Backend = new JsBackend();
let initialised = false;

export function getBackend(): Backend {
  return current;
}

/** Make `backend` the one every later operation uses. Tensors made before keep their old storage. */
export function setBackend(backend: Backend): void {
  current = backend;
  initialised = true;
}

/** Replace how a backend is loaded (tests use it to simulate a host without wasm). */
export function registerBackendLoader(name: BackendName, loader: BackendLoader): void {
  loaders.set(name, loader);
}

export function parseBackendName(text: string, source = 'backend'): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(text)) return text as BackendName;
  throw new LatentError(`unknown ${source} "${text}"`, `use one of: ${BACKEND_NAMES.join(', ')}`);
}

function envBackend(): string | undefined {
  const env = typeof process !== 'undefined' ? process.env : undefined;
  return env?.['LATENT_BACKEND'] || undefined;
}

/**
 * Choose and set up the backend: the named one, else LATENT_BACKEND, else the fastest available
 * (wasm when its loader is registered and instantiates, js otherwise). Calling it again with no
 * name keeps the current choice.
 */
export async function initBackend(name?: BackendName, options: { threads?: number } = {}): Promise<Backend> {
  const env = envBackend();
  const requested = name ?? (env === undefined ? undefined : parseBackendName(env, 'LATENT_BACKEND'));
  if (requested === undefined && initialised) return current;
  if (requested === 'js') {
    if (current.name !== 'js') setBackend(new JsBackend());
    initialised = true;
    return current;
  }
  // Reuse a running wasm backend: each new one starts workers and reserves its own memory.
  if (current.name === 'wasm' && (options.threads === undefined || options.threads === current.threads)) {
    initialised = true;
    return current;
  }
  const loader = loaders.get('wasm');
  let loaded: Backend | undefined;
  try {
    loaded = await loader?.(options);
  } catch (error) {
    // A user mistake (a bad LATENT_THREADS) must be reported, not hidden by a silent fallback
    // to the slower backend; only a host that cannot run wasm falls back.
    if (requested === 'wasm' || error instanceof LatentError) throw error;
  }
  if (loaded !== undefined) {
    setBackend(loaded);
    return current;
  }
  if (requested === 'wasm') {
    throw new LatentError('the wasm backend is not available on this host (it needs WebAssembly with SIMD)', 'use --backend js');
  }
  initialised = true;
  return current;
}
