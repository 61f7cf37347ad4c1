/**
 * PlacedMatrix: rows copied once into backend memory (the wasm heap, or a plain array on the js
 * backend), so that `encode`, `reconstruct` and `reconstructionError` read them where they lie
 * instead of copying every batch in: the equal of a framework tensor made before a loop.
 *
 * Invariants:
 * - `slice` makes a view over the same storage, never a copy; views share their source's
 *   lifetime, and only the matrix made by `place` releases the storage.
 * - Slices keep no typed-array view of their own: each use derives the rows it reads from the
 *   base tensor at that moment. The base stays valid whatever the heap allocates later (the wasm
 *   backend's shared memory keeps its views when it grows; its unshared fallback never grows).
 * - After `release()` (or when the garbage collector has taken the source and every view of it)
 *   every use throws a LatentError naming the matrix; nothing reads freed memory.
 */

import { Tensor } from '../autograd/tensor.js';
import type { Backend } from '../backend/backend.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';

/** The storage a placed matrix and all its slices share. */
interface PlacedStorage {
  tensor: Tensor | null;
  readonly rows: number;
  readonly cols: number;
}

// Users never have to release: a source nobody references any more (nor any slice of it) gives
// its storage back here. The held tensor does not reference the storage record, so the record
// can be collected.
const collector = new FinalizationRegistry<Tensor>((tensor) => tensor.dispose());

export class PlacedMatrix {
  readonly rows: number;
  readonly cols: number;
  private readonly storage: PlacedStorage;
  /** First row of this matrix inside the storage. */
  private readonly offset: number;
  /** Made by `slice` (a view), not by `place` (the owner of the storage). */
  private readonly isSlice: boolean;

  private constructor(storage: PlacedStorage, offset: number, rows: number, isSlice: boolean) {
    this.storage = storage;
    this.offset = offset;
    this.rows = rows;
    this.cols = storage.cols;
    this.isSlice = isSlice;
  }

  /** Copy `x` into the current backend's memory (what `place(x)` does). */
  static from(x: Matrix): PlacedMatrix {
    if (x.data.length !== x.rows * x.cols) {
      throw new LatentError(`place: ${x.data.length} values do not fill a ${x.rows}×${x.cols} matrix`, 'pass rows * cols values');
    }
    const tensor = Tensor.empty([x.rows, x.cols], { persistent: true });
    tensor.data.set(x.data);
    const storage: PlacedStorage = { tensor, rows: x.rows, cols: x.cols };
    collector.register(storage, tensor, storage);
    return new PlacedMatrix(storage, 0, x.rows, false);
  }

  /**
   * Rows `start .. end` (end excluded) as a placed matrix over the same storage: no copy.
   *
   * @example
   * const batch = placed.slice(1000, 2000); // rows 1000..1999, still in backend memory
   */
  slice(start: number, end: number = this.rows): PlacedMatrix {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > this.rows) {
      throw new LatentError(
        `rows ${start}..${end} are not a range of the placed matrix of ${this.rows} rows`,
        `pass whole numbers with 0 ≤ start ≤ end ≤ ${this.rows}`,
      );
    }
    this.tensor();
    return new PlacedMatrix(this.storage, this.offset + start, end - start, true);
  }

  /** Whether the storage was released; every use then throws. */
  get released(): boolean {
    return this.storage.tensor === null;
  }

  /** The backend holding the rows ('js' or 'wasm'). */
  get backend(): Backend['name'] {
    return this.tensor().backend.name;
  }

  /** A copy of the rows as a plain matrix. */
  toMatrix(): Matrix {
    return matrix(this.rowsTensor(0, this.rows).toArray(), this.rows, this.cols);
  }

  /**
   * Give the storage back to the backend now (slices of it become unusable too). Optional: the
   * garbage collector does it once nothing references the matrix or its slices.
   */
  release(): void {
    if (this.isSlice) {
      throw new LatentError(
        `a slice (${this.rows} rows from row ${this.offset}) cannot be released on its own`,
        'release the placed matrix it was sliced from',
      );
    }
    const tensor = this.storage.tensor;
    if (tensor === null) return;
    collector.unregister(this.storage);
    this.storage.tensor = null;
    tensor.dispose();
  }

  /**
   * A tensor view of rows `start .. start + count` of this matrix on `backend`, derived from the
   * storage now (no copy). Throws a LatentError once released or when `backend` is another one.
   */
  rowsTensor(start: number, count: number, backend: Backend = this.tensor().backend): Tensor {
    const tensor = this.tensor();
    if (tensor.backend !== backend) {
      throw new LatentError(
        `the placed matrix is in the ${tensor.backend.name} backend's memory, but the model runs on the ${backend.name} backend`,
        'place the rows after choosing the backend (initBackend/setBackend), or pass a plain matrix',
      );
    }
    if (start < 0 || count < 0 || start + count > this.rows) {
      throw new LatentError(`rows ${start}..${start + count} are outside the placed matrix of ${this.rows} rows`);
    }
    return tensor.rowsView(this.offset + start, count);
  }

  private tensor(): Tensor {
    const tensor = this.storage.tensor;
    if (tensor === null) {
      throw new LatentError(
        `the placed matrix (${this.storage.rows}×${this.cols}) was released`,
        'place the rows again with place(x), or release the matrix only after its last use',
      );
    }
    return tensor;
  }
}

/**
 * Copy the rows of `x` once into the memory of the current backend, for models to read without
 * copying them again: `model.encode(placed.slice(start, end))` reads those rows where they lie.
 * Choose the backend first (`initBackend`); the model must run on the same backend.
 *
 * @example
 * const placed = place(x);
 * for (let b = 0; b < x.rows; b += 1000) codes.push(model.encode(placed.slice(b, b + 1000)));
 */
export function place(x: Matrix): PlacedMatrix {
  return PlacedMatrix.from(x);
}

/** `x` as a plain matrix: itself, or a copy of placed rows (for code that reads rows in JavaScript). */
export function plainRows(x: Matrix | PlacedMatrix): Matrix {
  return x instanceof PlacedMatrix ? x.toMatrix() : x;
}
