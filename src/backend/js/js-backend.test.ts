/**
 * The reference backend's storage: zero-filled by default, NaN-filled when asked for
 * uninitialized storage (so tests catch any caller that reads what it did not write); and the
 * reference kernels that no other backend is checked against by value.
 */

import { describe, expect, it } from 'vitest';
import { JsBackend } from './js-backend.js';

describe('JsBackend storage', () => {
  it('hands out zeros, and NaN for uninitialized storage, fresh or reused', () => {
    const backend = new JsBackend();
    const a = backend.alloc(6);
    expect([...a]).toEqual(new Array(6).fill(0));
    expect(backend.alloc(6, true).every(Number.isNaN)).toBe(true);
    a.fill(5);
    backend.release(a);
    const b = backend.alloc(6, true);
    expect(b).toBe(a);
    expect(b.every(Number.isNaN)).toBe(true);
    backend.release(b);
    expect([...backend.alloc(6)]).toEqual(new Array(6).fill(0));
    expect(backend.liveBuffers()).toBe(2);
  });
});

describe('JsBackend kernels', () => {
  it('channelBias adds bias[c] to every value of plane c of every sample, also in place', () => {
    const backend = new JsBackend();
    // [batch 2, channels 3, plane 2]
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const bias = Float32Array.from([10, 20, 30]);
    const out = new Float32Array(12);
    backend.channelBias(x, bias, 2, 3, 2, out);
    expect([...out]).toEqual([11, 12, 23, 24, 35, 36, 17, 18, 29, 30, 41, 42]);
    backend.channelBias(x, bias, 2, 3, 2, x);
    expect([...x]).toEqual([...out]);
  });
});
