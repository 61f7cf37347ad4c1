/**
 * Node-only public names of the data layer: loading datasets from files or built-in names,
 * saving matrices, and the built-in MNIST data read from the installed `mnist` package.
 */

export type { LoadedDataset, LoadOptions, SaveOptions } from './node-loaders.js';
export { SUPPORTED_INPUTS, loadDataset, saveMatrix } from './node-loaders.js';
export { loadMnist } from './node-mnist.js';
export { DEFAULT_TIMESTAMP_COLUMN, loadSeries, type SeriesLoadOptions } from './node-series.js';
export * from './sources/node.js';
export { loadRows } from './load-rows.js';
