/**
 * Node-only public names of the row sources and sinks: opening files, globs and standard input
 * for reading in chunks, and writing result rows to CSV, JSON Lines, NPY, Parquet or standard output.
 */

export { openRowSource, STREAMED_INPUTS, type OpenOptions } from './open-source.js';
export { openCsvSource, type CsvSourceOptions } from './csv-source.js';
export { openNpyFile, openNpyStream } from './npy-source.js';
export { openNpzSource } from './npz-source.js';
export { openParquetSource, type ParquetSourceOptions } from './parquet-source.js';
export { STDIO } from './byte-input.js';
export {
  checkSinkPath,
  openRowSink,
  SINK_EXTENSIONS,
  SINK_FORMATS,
  sinkFormat,
  type RowSink,
  type SinkCheck,
  type SinkFormat,
  type SinkChunk,
  type SinkColumns,
  type SinkOptions,
} from '../sinks/row-sink.js';
