/**
 * Loading ONNX Runtime (the `onnxruntime-node` package) on demand. It is an optional peer
 * dependency: never installed with latent, imported only here and only with a dynamic `import()`,
 * so the library, its browser bundles and its type declarations work without it.
 *
 * Invariant: nothing outside src/accelerator sees an ONNX Runtime type; the public API speaks of
 * matrices. Tests replace the loader (`setOrtLoader`) to act out a machine without the package.
 */

import type * as Ort from 'onnxruntime-node';

/** The onnxruntime-node module. */
export type OrtModule = typeof Ort;

/** A function that imports onnxruntime-node (or fails as the import would). */
export type OrtLoader = () => Promise<OrtModule>;

const importOrt: OrtLoader = async () => {
  const loaded = await import('onnxruntime-node');
  // The package is CommonJS: under ES modules its API is the default export; the CommonJS build
  // of latent may receive the exports object itself.
  return (loaded.default as OrtModule | undefined) ?? loaded;
};

let loader: OrtLoader = importOrt;
let cached: Promise<OrtModule | Error> | undefined;

/** Replace how onnxruntime-node is imported (`undefined` restores the real import). */
export function setOrtLoader(replacement: OrtLoader | undefined): void {
  loader = replacement ?? importOrt;
  cached = undefined;
}

/**
 * onnxruntime-node, or the error that importing it raised (not thrown: `auto` falls back on it,
 * `ort` reports it). Imported once per process.
 */
export function loadOrt(): Promise<OrtModule | Error> {
  cached ??= loader().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  return cached;
}

/** Whether `error` says the package is not installed (rather than installed but failing to load). */
export function isMissingPackage(error: Error): boolean {
  const code: unknown = Reflect.get(error, 'code');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error.message.includes('onnxruntime-node');
}
