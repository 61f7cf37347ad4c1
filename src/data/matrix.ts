/**
 * Matrix: the plain row-major table of float32 values that data loaders produce and that the
 * model layer turns into tensors. It owns no backend storage, so loaders stay backend-free.
 */

export interface Matrix {
  /** Row-major values, length rows * cols. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** A matrix view over existing values; checks that the length matches the shape. */
export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) {
    throw new Error(`matrix: ${data.length} values do not fill a ${rows}×${cols} matrix`);
  }
  return { data, rows, cols };
}
