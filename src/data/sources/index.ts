/**
 * Public names of the row sources that run anywhere: the RowSource contract, the in-memory source,
 * concatenation and collecting rows. File sources live in `./node.ts`.
 */

export type { BlockAccess, ChunkRequest, RowChunk, RowSource } from './row-source.js';
export { CHUNK_BYTES, defaultChunkRows } from './row-source.js';
export { matrixSource, type MatrixSourceExtras } from './matrix-source.js';
export { concatSources } from './multi-source.js';
export { collectRows, type CollectedRows } from './collect.js';
