/**
 * Registers the wasm backend with the registry, so `initBackend()` picks it when it loads (the
 * fastest available) and `--backend wasm` / LATENT_BACKEND=wasm can name it.
 */

import { registerBackendLoader } from './registry.js';
import { createWasmBackend, wasmAvailable } from './wasm/index.js';

if (wasmAvailable()) registerBackendLoader('wasm', (options) => createWasmBackend(options));
