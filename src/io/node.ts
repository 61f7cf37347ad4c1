/**
 * io, Node-only names: atomic writes and model/safetensors files on disk.
 * Browser code imports `./index.ts` instead.
 */

export { assertFolderWritable, assertWritable, writeFileAtomic } from './atomic.js';
export { FileSystemError } from './fs-errors.js';
export type { WriteOptions } from './atomic.js';
export { loadModelFile, loadSafetensorsFile, saveModelFile, saveSafetensorsFile } from './node-files.js';
export { loadCheckpoint, loadModel, saveCheckpoint, saveModel, type ModelFileWriter, type SaveModelOptions } from './model-node.js';
export { saveOnnx } from './onnx/node.js';
