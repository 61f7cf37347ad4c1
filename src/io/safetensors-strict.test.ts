import { describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { findDuplicateKey } from './json-duplicates.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** safetensors bytes from header text and a data section, with an optional header length override. */
function file(headerText: string, data: Uint8Array, declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const entry = (begin: number, end: number, shape = [(end - begin) / 4]): object => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
const header = (tensors: Record<string, object>): string => JSON.stringify(tensors);

describe('safetensors: the reference implementation layout rules', () => {
  it('refuses a header length shortened into its padding (every weight would shift by a byte)', () => {
    const good = encodeSafetensors([{ name: 'w', shape: [3], data: new Float32Array([1, 2, 3]) }], { note: 'x' });
    const view = new DataView(good.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(good[8 + n - 1]).toBe(0x20); // padded with a space
    const shifted = good.slice();
    new DataView(shifted.buffer).setBigUint64(0, BigInt(n - 1), true);
    expect(caughtLatentError(() => decodeSafetensors(shifted, 'm')).message).toMatch(/1 bytes after the last tensor's data/);
  });

  it('refuses bytes after the last tensor', () => {
    expect(caughtLatentError(() => decodeSafetensors(file(header({ a: entry(0, 8) }), new Uint8Array(9)), 'm')).message).toMatch(
      /1 bytes after the last tensor's data \(the tensors cover 8 of 9 bytes\)/,
    );
  });

  it('refuses a hole between tensors and a data section not starting at 0', () => {
    const gap = header({ a: entry(0, 4), b: entry(8, 12) });
    expect(caughtLatentError(() => decodeSafetensors(file(gap, new Uint8Array(12)), 'm')).message).toMatch(
      /bytes 4\.\.8 of the data section belong to no tensor/,
    );
    expect(caughtLatentError(() => decodeSafetensors(file(header({ a: entry(4, 8) }), new Uint8Array(8)), 'm')).message).toMatch(
      /bytes 0\.\.4 of the data section belong to no tensor/,
    );
  });

  it('refuses overlapping tensors', () => {
    const overlap = header({ a: entry(0, 8), b: entry(4, 12) });
    expect(caughtLatentError(() => decodeSafetensors(file(overlap, new Uint8Array(12)), 'm')).message).toMatch(/"a" .* and "b" .* overlap/);
  });

  it('refuses a tensor named twice (JSON.parse would keep the last silently)', () => {
    const text = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expect(caughtLatentError(() => decodeSafetensors(file(text, new Uint8Array(8)), 'm')).message).toBe(
      'm: the safetensors header names "w" twice',
    );
    const meta = '{"__metadata__":{"config":"a","config":"b"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    expect(caughtLatentError(() => decodeSafetensors(file(meta, new Uint8Array(4)), 'm')).message).toMatch(
      /"__metadata__" in the safetensors header names "config" twice/,
    );
  });

  it('refuses a span that is not dtype size × shape, and shapes whose size overflows', () => {
    const wrong = header({ a: { dtype: 'F16', shape: [3], data_offsets: [0, 8] } });
    expect(caughtLatentError(() => decodeSafetensors(file(wrong, new Uint8Array(8)), 'm')).message).toMatch(/needs 6 bytes/);
    const huge = header({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 16] } });
    expect(caughtLatentError(() => decodeSafetensors(file(huge, new Uint8Array(16)), 'm')).message).toMatch(
      /needs 4835703278458516698824704 bytes/,
    );
  });

  it('refuses a header length past the end or above 100 MB', () => {
    expect(caughtLatentError(() => decodeSafetensors(file('{}', new Uint8Array(0), 50), 'm')).message).toMatch(/runs past the end/);
    const big = file('{}', new Uint8Array(0), 200_000_000);
    big[7] = 0; // keep the high bytes zero so it is not mistaken for text
    expect(caughtLatentError(() => decodeSafetensors(big, 'm')).message).toMatch(/header length|more than/);
  });

  it('accepts what the reference accepts: whitespace padding on both sides, zero-size tensors, an empty file', () => {
    const padded = file(`\t\n${header({ a: entry(0, 4) })} \r\n`, new Uint8Array(4));
    expect(decodeSafetensors(padded, 'm').tensors.get('a')?.shape).toEqual([1]);
    const zero = file(header({ a: { dtype: 'I32', shape: [2, 0], data_offsets: [0, 0] } }), new Uint8Array(0));
    expect(decodeSafetensors(zero, 'm').tensors.get('a')?.data.length).toBe(0);
    expect(decodeSafetensors(file('{}', new Uint8Array(0)), 'm').tensors.size).toBe(0);
  });
});

describe('findDuplicateKey', () => {
  it('finds repeated keys at any depth and ignores keys inside strings and arrays', () => {
    expect(findDuplicateKey('{"a": 1, "b": {"c": 2, "c": 3}}')).toEqual({ key: 'c', path: ['b'] });
    expect(findDuplicateKey('{"a": "\\"a\\": {", "b": [{"x": 1}, {"x": 2}]}')).toBeNull();
    expect(findDuplicateKey('{"\\u0061": 1, "a": 2}')).toEqual({ key: 'a', path: [] });
  });
});
