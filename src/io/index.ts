/**
 * io: the model file format, browser-safe (no Node imports). Node file helpers live in `./node.ts`.
 */

export { SAFETENSORS_DTYPES, bfloat16ToFloat, decodeSafetensors, encodeSafetensors, halfToFloat } from './safetensors.js';
export type { DecodedSafetensors, SafetensorsDtype, SafetensorsTensor, SafetensorsTensorInput } from './safetensors.js';
export { MODEL_FORMAT_VERSION, decodeModelFile, encodeModelFile } from './model-file.js';
export type { DecodedModelFile, ModelFileContents } from './model-file.js';
export { checkpointFromBytes, checkpointToBytes, modelFromBytes, modelToBytes } from './model-io.js';
export type { LoadedCheckpoint, LoadedModel, TrainingSummary } from './model-io.js';
export { readValidationSplit, validationSplitExtra, VALIDATION_SPLIT_KEY, type ValidationSplitRecord } from './validation-split.js';
export { trainedCsvColumns, trainingSummary, type SummaryInput } from './training-summary.js';
