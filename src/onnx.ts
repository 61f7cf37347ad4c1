/**
 * latent/onnx — ONNX export of encoders, decoders and full autoencoders, and a reader that
 * summarises an ONNX file. Browser-safe. Kept out of the root entry because it brings protobufjs:
 * a page that never exports ONNX never loads it. `saveOnnx` (writing a file) is in `latent/node`.
 */

export * from './io/onnx/index.js';
