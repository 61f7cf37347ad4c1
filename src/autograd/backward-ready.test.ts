/**
 * backward's report of final leaf gradients: each leaf once, right after the earliest node that
 * reads it (a leaf read twice is reported after its second, earlier, reader), with `.grad`
 * already equal to its value at the end of the sweep.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { backward, ops, Tensor } from './index.js';

describe('backward reports final leaf gradients', () => {
  it('reports every leaf once, after its last contribution, in reverse order of first use', () => {
    const rng = new Rng(3);
    const x = Tensor.uniform([4, 3], rng, -1, 1);
    const w1 = Tensor.uniform([5, 3], rng, -1, 1, { requiresGrad: true });
    const b1 = Tensor.uniform([5], rng, -1, 1, { requiresGrad: true });
    const w2 = Tensor.uniform([2, 5], rng, -1, 1, { requiresGrad: true });
    // w1 is read twice: by the first layer and by a penalty recorded last.
    const h = ops.linear(x, w1, b1, 'relu');
    const y = ops.linear(h, w2, null, 'identity');
    const loss = ops.add(ops.sum(ops.square(y)), ops.sum(ops.square(w1)));
    const reports: { leaves: Tensor[]; grads: Float32Array[] }[] = [];
    backward(loss, (leaves) => reports.push({ leaves: [...leaves], grads: leaves.map((l) => l.grad!.data.slice()) }));
    expect(reports.map((r) => r.leaves)).toEqual([[w2], [w1, b1]]);
    // What each report saw is the final gradient.
    for (const { leaves, grads } of reports) leaves.forEach((leaf, i) => expect(grads[i]).toEqual(leaf.grad!.data));
  });

  it('reports a leaf whose reader got no gradient, with no gradient', () => {
    const w = Tensor.uniform([3], new Rng(5), -1, 1, { requiresGrad: true });
    const v = Tensor.uniform([3], new Rng(6), -1, 1, { requiresGrad: true });
    // The square of v feeds nothing that reaches the loss.
    ops.square(v);
    const loss = ops.sum(ops.square(w));
    const reported: Tensor[] = [];
    backward(loss, (leaves) => reported.push(...leaves));
    expect(reported).toContain(w);
    expect(reported).toContain(v);
    expect(v.grad).toBeNull();
  });
});
