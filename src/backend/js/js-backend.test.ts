/**
 * The reference backend's storage: zero-filled by default, NaN-filled when asked for
 * uninitialized storage (so tests catch any caller that reads what it did not write).
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
