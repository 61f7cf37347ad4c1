import { describe, expect, it } from 'vitest';
import { caughtLatentError } from '../test-utils/errors.js';
import { scope, Tensor } from './index.js';

describe('Tensor.rowsView', () => {
  it('views rows of any rank over the same storage, and writes show through', () => {
    const x = Tensor.from(Array.from({ length: 24 }, (_v, i) => i), [4, 3, 2]);
    const rows = x.rowsView(1, 2);
    expect(rows.shape).toEqual([2, 3, 2]);
    expect([...rows.data]).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    rows.data[0] = -1;
    expect(x.data[6]).toBe(-1);
    expect(x.rowsView(4, 0).size).toBe(0);
  });

  it('a view made in a scope leaves its base storage alone when the scope ends', () => {
    const x = Tensor.from([1, 2, 3, 4], [2, 2], { persistent: true });
    scope(() => x.rowsView(0, 1));
    expect(x.released).toBe(false);
    expect([...x.data]).toEqual([1, 2, 3, 4]);
    x.dispose();
  });

  it('rows outside the tensor name the range and the shape', () => {
    const x = Tensor.zeros([3, 2]);
    for (const [start, count] of [
      [2, 2],
      [-1, 1],
      [0.5, 1],
    ] as const) {
      expect(caughtLatentError(() => x.rowsView(start, count)).message).toBe(`rows ${start}..${start + count} are outside a tensor of shape [3, 2]`);
    }
    expect(caughtLatentError(() => Tensor.zeros([]).rowsView(0, 1)).message).toMatch(/outside a tensor of shape/);
  });
});
