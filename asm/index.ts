/**
 * Entry point of the wasm kernels. The module allocates nothing: tensors, per-thread scratch and
 * the job descriptor all live in the imported shared memory and arrive as byte offsets, so one
 * instance per thread can run over the same memory without sharing any wasm global state.
 */
export { work, workOne, ARG_SLOTS } from './tasks';
export { gemmScratchFloats, gemmTileRows } from './gemm';
export { phaseScratchFloats } from './conv-phase';
export { packedSliversFloats, sparseOwnPack, sparseOwnPackB, sparseSlicePack, sparseSliverWidth } from './gemm-sparse';
export { sparseDepthSplitFits } from './gemm-depth';
export { gemmPacksB, packedPanelsFloats } from './gemm-prepacked';
