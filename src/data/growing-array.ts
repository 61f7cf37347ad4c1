/**
 * A typed array that grows by doubling as chunks are appended: per-row results (scores, labels)
 * of a stream whose length is not known ahead. Browser-safe.
 */

type NumberArray = Float64Array | Float32Array;

export class GrowingArray<T extends NumberArray> {
  private data: T;
  private length = 0;

  constructor(private readonly make: new (length: number) => T) {
    this.data = new make(1024);
  }

  /**
   * Append `values`.
   *
   * @example
   * const scores = new GrowingArray(Float64Array);
   * scores.push(chunkScores);
   */
  push(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) {
      const grown = new this.make(Math.max(this.length + values.length, 2 * this.data.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }

  /** The values appended so far (a copy of exactly that length). */
  values(): T {
    return this.data.slice(0, this.length) as T;
  }
}
