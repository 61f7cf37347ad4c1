/**
 * Tensor.version, which backends key packed copies of weights on (GemmArgs.frozenB): every
 * hand-out of the storage for writing moves it, through views too; reads through `readData()`
 * do not; `markChanged()` and `moveTo` do; disposing or moving a tensor tells its backend to
 * forget what it kept for it.
 */

import { afterAll, describe, expect, it } from 'vitest';
import type { VersionedOperand } from '../backend/backend.js';
import { JsBackend } from '../backend/js/js-backend.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { Tensor } from './tensor.js';

const original = getBackend();
afterAll(() => setBackend(original));

/** A js backend that records the operands it is told to forget. */
class ForgettingBackend extends JsBackend {
  readonly forgotten: VersionedOperand[] = [];
  forgetOperand(operand: VersionedOperand): void {
    this.forgotten.push(operand);
  }
}

describe('Tensor.version', () => {
  it('moves on each hand-out of data, through views and row views, and on markChanged; not on readData', () => {
    setBackend(new JsBackend());
    const t = Tensor.zeros([4, 3], { persistent: true });
    const v0 = t.version;
    t.readData();
    t.view([12]).readData();
    expect(t.version).toBe(v0);
    t.data[0] = 1;
    expect(t.version).toBe(v0 + 1);
    t.view([12]).data[1] = 2;
    expect(t.version).toBe(v0 + 2);
    t.rowsView(1, 2).view([6]).data[0] = 3;
    expect(t.version).toBe(v0 + 3);
    expect(t.rowsView(1, 2).version).toBe(t.version);
    t.markChanged();
    expect(t.version).toBe(v0 + 4);
    t.dispose();
  });

  it('moves on moveTo, and the backends forget the tensor when it moves or is disposed', () => {
    const from = new ForgettingBackend();
    const to = new ForgettingBackend();
    setBackend(from);
    const t = Tensor.zeros([5], { persistent: true });
    const v0 = t.version;
    t.moveTo(to);
    expect(t.version).toBeGreaterThan(v0);
    expect(from.forgotten).toEqual([t]);
    t.dispose();
    expect(to.forgotten).toEqual([t]);
    // A view never owns the storage: disposing it forgets nothing.
    setBackend(to);
    const base = Tensor.zeros([2, 2], { persistent: true });
    base.view([4]).dispose();
    expect(to.forgotten).toEqual([t]);
    base.dispose();
    expect(to.forgotten).toEqual([t, base]);
  });
});
