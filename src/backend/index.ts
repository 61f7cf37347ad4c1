export {
  ACTIVATIONS,
  BINARY_OPS,
  UNARY_OPS,
  UPSAMPLE_MODES,
  upsampleSize,
  type Activation,
  type AdamArgs,
  type Backend,
  type BinaryOp,
  type Conv2dGeometry,
  type GemmArgs,
  type GemmNonZeros,
  type UnaryOp,
  type UpsampleMode,
} from './backend.js';
export { JsBackend } from './js/js-backend.js';
export {
  BACKEND_NAMES,
  getBackend,
  initBackend,
  parseBackendName,
  registerBackendLoader,
  setBackend,
  type BackendName,
} from './registry.js';
export { createWasmBackend, relaxedSimdSupported, wasmAvailable, type KernelVariant, type WasmBackendOptions } from './wasm/index.js';
