/**
 * Hooks the accelerator test files share: latent's wasm backend on one thread for the whole file
 * (the engine `openInference` compares ONNX Runtime against), and ONNX Runtime's real loader back
 * after each test, since tests stand in a missing or failing one with setOrtLoader.
 */

import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Backend } from '../../backend/backend.js';
import { getBackend, setBackend } from '../../backend/registry.js';
import { createWasmBackend } from '../../backend/wasm/index.js';
import { setOrtLoader } from '../ort-runtime.js';

export function useWasmBackendAndRealOrtLoader(): void {
  let original: Backend;
  beforeAll(async () => {
    original = getBackend();
    setBackend(await createWasmBackend({ threads: 1 }));
  });
  afterAll(() => setBackend(original));
  afterEach(() => setOrtLoader(undefined));
}
