/**
 * Addressing shared by the kernels: every buffer is float32 (or a 4-byte integer) in linear
 * memory, so element i of a buffer at p sits at p + 4·i.
 */

/** Byte address of 4-byte element `i` of the buffer at `p`. */
// @ts-ignore: decorator
@inline
export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}
