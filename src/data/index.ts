/**
 * Public names of the data layer that run anywhere (browser and Node): the Dataset and Matrix
 * types, parsers and encoders that turn bytes or text into data and back, scalers, and the
 * built-in MNIST split. File access lives in `./node.ts`.
 */

export type { Matrix } from './matrix.js';
export { matrix } from './matrix.js';
export type { Dataset } from './dataset.js';
export { assertFinite, assertNotEmpty, defaultColumnNames } from './dataset.js';
export type { NdArray } from './ndarray.js';
export { datasetFromArrays } from './ndarray.js';
export type { ColumnRef, CsvDataset, CsvOptions, SkippedColumn } from './csv.js';
export { parseCsv } from './csv.js';
export type { ExtraColumn } from './csv-writer.js';
export { encodeCsv, formatFloat32 } from './csv-writer.js';
export { encodeNpy, parseNpy } from './npy.js';
export type { NpzOptions } from './npz.js';
export { datasetFromNpz, parseNpz } from './npz.js';
export { parseIdx } from './idx.js';
export type { MnistSplit } from './mnist.js';
export { MNIST_PIXELS, MNIST_SIDE, MNIST_TRAIN_FRACTION, mnistSplit } from './mnist.js';
export type { Scaler, ScalerKind } from './scaler.js';
export { SCALER_KINDS, applyScaler, fitScaler, identityScaler, inverseScaler, isScalerKind, parseScaler } from './scaler.js';
export * from './sources/index.js';
