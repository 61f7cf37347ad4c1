/**
 * io/onnx: ONNX export of encoders, decoders and full autoencoders (browser-safe). The Node file
 * writer `saveOnnx` lives in `./node.ts`.
 */

export { exportModuleOnnx, exportOnnx, ONNX_NAMES, ONNX_OPSET_RANGE, ONNX_PARTS } from './export.js';
export type { OnnxExportOptions, OnnxPart } from './export.js';
export { decodeOnnx } from './inspect.js';
export type { OnnxModelSummary, OnnxValueSummary } from './inspect.js';
