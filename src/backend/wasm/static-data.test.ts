/**
 * The kernel modules keep their vector constants in static data (asm/vmath.ts): every data
 * segment must lie in the bytes the heap never hands out, or instantiating a module (each worker
 * does) would write over tensors.
 */

import { describe, expect, it } from 'vitest';
import { RESERVED_BYTES } from './heap.js';
import { KERNELS_SHARED_BASE64, KERNELS_SHARED_RELAXED_BASE64 } from './kernels-wasm.js';

/** Unsigned LEB128 at `at`: its value and the offset after it. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

/** Signed LEB128 (an i32.const operand). */
function sleb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[at++]!;
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) value |= -1 << shift;
  return [value, at];
}

/** [start, end) of every active data segment of a module (the data section, id 11). */
function dataSegments(bytes: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at++]!;
    let size: number;
    [size, at] = leb(bytes, at);
    const end = at + size;
    if (id === 11) {
      let count: number;
      [count, at] = leb(bytes, at);
      for (let s = 0; s < count; s++) {
        let flags: number;
        [flags, at] = leb(bytes, at);
        if (flags !== 0) throw new Error(`data segment with flags ${flags}: only active segments of memory 0 are expected`);
        if (bytes[at++] !== 0x41) throw new Error('data segment offset is not an i32.const');
        let offset: number;
        [offset, at] = sleb(bytes, at);
        if (bytes[at++] !== 0x0b) throw new Error('data segment offset expression is longer than one i32.const');
        let length: number;
        [length, at] = leb(bytes, at);
        out.push([offset, offset + length]);
        at += length;
      }
    }
    at = end;
  }
  return out;
}

describe('kernel static data', () => {
  for (const [name, base64] of [
    ['plain SIMD', KERNELS_SHARED_BASE64],
    ['relaxed SIMD', KERNELS_SHARED_RELAXED_BASE64],
  ] as const) {
    it(`${name}: the vector constants lie in the memory the heap never hands out`, () => {
      const segments = dataSegments(new Uint8Array(Buffer.from(base64, 'base64')));
      expect(segments.length).toBeGreaterThan(0);
      for (const [start, end] of segments) {
        expect(start).toBeGreaterThan(0); // byte 0 stays "no array"
        expect(end).toBeLessThanOrEqual(RESERVED_BYTES);
      }
    });
  }
});
