import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { MNIST_PIXELS, mnistSplit } from './mnist.js';
import { loadMnist } from './node-mnist.js';

describe('mnistSplit (synthetic classes)', () => {
  // Class d has counts[d] samples; every pixel of sample i of class d holds d * 1000 + i.
  const counts = [5, 3, 10];
  const classes = counts.map((n, d) => Float32Array.from({ length: n * MNIST_PIXELS }, (_, p) => d * 1000 + Math.floor(p / MNIST_PIXELS)));
  const { train, test } = mnistSplit(classes);
  const ids = (ds: typeof train): number[] => Array.from({ length: ds.x.rows }, (_, r) => ds.x.data[r * MNIST_PIXELS] as number);

  it('puts the first floor(80%) of each class in train, interleaved class by class', () => {
    // floor(0.8 · [5, 3, 10]) = [4, 2, 8]
    expect(ids(train)).toEqual([0, 1000, 2000, 1, 1001, 2001, 2, 2002, 3, 2003, 2004, 2005, 2006, 2007]);
    expect(Array.from(train.labels ?? [])).toEqual([0, 1, 2, 0, 1, 2, 0, 2, 0, 2, 2, 2, 2, 2]);
  });

  it('puts the rest in test, in the same interleaving', () => {
    expect(ids(test)).toEqual([4, 1002, 2008, 2009]);
    expect(Array.from(test.labels ?? [])).toEqual([0, 1, 2, 2]);
  });

  it('copies whole samples', () => {
    const row = 5; // sample 1 of class 2
    const pixels = train.x.data.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS);
    expect(pixels.every((v) => v === 2001)).toBe(true);
  });

  it('rejects data that is not whole images', () => {
    expect(() => mnistSplit([new Float32Array(100)])).toThrow(LatentError);
  });
});

describe('loadMnist (npm package data)', () => {
  it('has 7,996 train and 2,004 test samples of 784 pixels in [0, 1]', () => {
    const { train, test } = loadMnist();
    expect([train.x.rows, train.x.cols]).toEqual([7996, 784]);
    expect([test.x.rows, test.x.cols]).toEqual([2004, 784]);
    expect(train.sampleShape).toEqual([28, 28]);
    expect(train.source).toBe('mnist:train');
    expect(test.source).toBe('mnist:test');
    for (const ds of [train, test]) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of ds.x.data) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect(min).toBe(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(max).toBeGreaterThan(0.99);
    }
  });

  it('has the documented class counts and mixes classes in the first batch', () => {
    const { train, test } = loadMnist();
    const perClass = (labels: Float32Array | undefined): number[] => {
      const c = new Array<number>(10).fill(0);
      for (const l of labels ?? []) c[l] = (c[l] as number) + 1;
      return c;
    };
    // Package class sizes 1001 1127 991 1032 980 863 1014 1070 944 978; train gets floor(0.8 n).
    expect(perClass(train.labels)).toEqual([800, 901, 792, 825, 784, 690, 811, 856, 755, 782]);
    expect(perClass(test.labels)).toEqual([201, 226, 199, 207, 196, 173, 203, 214, 189, 196]);
    expect(Array.from(train.labels?.subarray(0, 12) ?? [])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('is cached: a second call returns the same datasets', () => {
    expect(loadMnist()).toBe(loadMnist());
  });
});
