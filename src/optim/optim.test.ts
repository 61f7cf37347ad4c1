import { describe, expect, it } from 'vitest';
import { backward, ops, Tensor } from '../autograd/index.js';
import { expectAllClose } from '../test-utils/close.js';
import { LatentError } from '../errors.js';
import { Adam, AdamW, clipGradNorm, LrSchedule, parseSchedule, Rmsprop, Sgd } from './index.js';

/** A parameter with a fixed gradient, for checking update rules against hand-computed values. */
function paramWithGrad(values: number[], grad: number[]): Tensor {
  const p = Tensor.from(values, [values.length], { requiresGrad: true, persistent: true });
  p.grad = Tensor.from(grad, [grad.length], { persistent: true });
  return p;
}

/** Plain float64 implementations of the PyTorch update rules. */
function adamRef(
  theta: number,
  g: number,
  steps: number,
  o: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean },
): number {
  let m = 0;
  let v = 0;
  for (let t = 1; t <= steps; t++) {
    if (o.decoupled) theta *= 1 - o.lr * o.wd;
    const gg = o.decoupled ? g : g + o.wd * theta;
    m = o.b1 * m + (1 - o.b1) * gg;
    v = o.b2 * v + (1 - o.b2) * gg * gg;
    theta -= (o.lr * (m / (1 - o.b1 ** t))) / (Math.sqrt(v / (1 - o.b2 ** t)) + o.eps);
  }
  return theta;
}

describe('optimizers follow the torch.optim update rules', () => {
  it('SGD with momentum and Nesterov', () => {
    const p = paramWithGrad([1], [0.5]);
    const opt = new Sgd([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    opt.step();
    opt.step();
    // b1 = 0.5, step1 = 0.5 + 0.9·0.5 = 0.95; b2 = 0.95, step2 = 0.5 + 0.9·0.95 = 1.355
    expectAllClose(p.data, [1 - 0.1 * 0.95 - 0.1 * 1.355], 1e-6);
  });

  it('SGD weight decay', () => {
    const p = paramWithGrad([2], [0]);
    new Sgd([p], { lr: 0.1, weightDecay: 0.5 }).step();
    expectAllClose(p.data, [2 - 0.1 * 0.5 * 2], 1e-6);
  });

  it.each([
    ['Adam', false, 0],
    ['Adam with L2', false, 0.1],
    ['AdamW', true, 0.1],
  ])('%s', (_name, decoupled, wd) => {
    const p = paramWithGrad([1, -2], [0.3, -0.7]);
    const opt = decoupled ? new AdamW([p], { lr: 0.01, weightDecay: wd }) : new Adam([p], { lr: 0.01, weightDecay: wd });
    for (let i = 0; i < 5; i++) opt.step();
    const o = { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, wd, decoupled };
    expectAllClose(p.data, [adamRef(1, 0.3, 5, o), adamRef(-2, -0.7, 5, o)], 1e-6, 1e-5);
  });

  it.each([
    ['Adam', false, 0],
    ['Adam with L2', false, 0.1],
    ['AdamW', true, 0.1],
  ])('%s updates several parameters in one call, skipping those without a gradient', (_name, decoupled, wd) => {
    const a = paramWithGrad([1, -2, 0.5], [0.3, -0.7, 0.1]);
    const frozen = paramWithGrad([4], [1]);
    frozen.grad = null;
    const b = paramWithGrad([-1], [0.2]);
    const opt = decoupled
      ? new AdamW([a, frozen, b], { lr: 0.01, weightDecay: wd })
      : new Adam([a, frozen, b], { lr: 0.01, weightDecay: wd });
    for (let i = 0; i < 3; i++) opt.step();
    const o = { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, wd, decoupled };
    expectAllClose(a.data, [adamRef(1, 0.3, 3, o), adamRef(-2, -0.7, 3, o), adamRef(0.5, 0.1, 3, o)], 1e-6, 1e-5);
    expectAllClose(b.data, [adamRef(-1, 0.2, 3, o)], 1e-6, 1e-5);
    expect([...frozen.data]).toEqual([4]);
    expect([...opt.stateTensors().keys()].sort()).toEqual(['0.m', '0.v', '2.m', '2.v']);
  });

  it('RMSprop', () => {
    const p = paramWithGrad([1], [0.5]);
    new Rmsprop([p], { lr: 0.01, alpha: 0.9 }).step();
    const v = 0.1 * 0.25;
    expectAllClose(p.data, [1 - (0.01 * 0.5) / (Math.sqrt(v) + 1e-8)], 1e-6);
  });

  it('rejects a non-positive learning rate', () => {
    expect(() => new Adam([], { lr: 0 })).toThrow(/learning rate 0 must be > 0/);
  });
});

describe('clipping and schedules', () => {
  it('clips the global norm', () => {
    const a = paramWithGrad([0, 0], [3, 0]);
    const b = paramWithGrad([0], [4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5);
    expectAllClose([...a.grad!.data, ...b.grad!.data], [0.6, 0, 0.8], 1e-5);
  });

  it('step, exponential, cosine and plateau schedules', () => {
    const step = new LrSchedule(parseSchedule('step:2:0.5', 10), 1);
    expect([0, 1, 2, 3].map((e) => step.next(e, 0))).toEqual([1, 0.5, 0.5, 0.25]);
    const exp = new LrSchedule(parseSchedule('exponential:0.9', 10), 1);
    expect(exp.next(0, 0)).toBeCloseTo(0.9);
    const cos = new LrSchedule(parseSchedule('cosine', 4), 1);
    expectAllClose(
      [0, 1, 2, 3].map((e) => cos.next(e, 0)),
      [0.8535533905932737, 0.5, 0.14644660940672627, 0],
      1e-12,
    );
    const plateau = new LrSchedule(parseSchedule('plateau:0.5:1', 10), 1);
    expect([1, 1, 1, 1].map((loss, e) => plateau.next(e, loss))).toEqual([1, 1, 0.5, 0.5]);
    expect(() => parseSchedule('warmup', 3)).toThrow(/unknown learning-rate schedule/);
    // An explicit cosine period lets a resumed run follow the same curve as an uninterrupted one.
    expect(parseSchedule('cosine:10', 4)).toEqual({ kind: 'cosine', epochs: 10 });
    expect(() => parseSchedule('cosine:0', 4)).toThrow(/cosine period/);
  });

  it('refuses schedule parameters that would give a NaN or frozen rate, each with an example to copy', () => {
    const cases: Array<[string, RegExp]> = [
      ['step:0:0.5', /step size/],
      ['step:2.5', /step size/],
      ['step:10:0', /GAMMA must be above 0/],
      ['exponential:-1', /GAMMA must be above 0/],
      ['cosine:0', /cosine period/],
      ['plateau:1.5', /between 0 and 1/],
      ['plateau:0.5:-1', /patience/],
      ['step:x', /"x" is not a number/],
      ['exponential:', /"" is not a number/],
    ];
    for (const [text, message] of cases) {
      let caught: unknown = null;
      try {
        parseSchedule(text, 10);
      } catch (error) {
        caught = error;
      }
      if (!(caught instanceof LatentError)) throw new Error(`${text}: expected a LatentError, got ${String(caught)}`);
      expect(caught.message, text).toMatch(message);
      expect(caught.hint, text).toMatch(/--lr-schedule|step:SIZE:GAMMA/);
    }
  });

  it('zeroGrad drops gradients: the next backward writes them afresh, step skips a parameter without one', () => {
    const a = Tensor.from([1, 2], [2], { requiresGrad: true, persistent: true });
    const b = Tensor.from([3], [1], { requiresGrad: true, persistent: true });
    const opt = new Sgd([a, b], { lr: 0.5 });
    backward(ops.sum(ops.square(a)));
    backward(ops.sum(ops.square(a))); // gradients add up between zeroGrad calls
    expect([...a.grad!.data]).toEqual([4, 8]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    backward(ops.sum(ops.square(a)));
    expect([...a.grad!.data]).toEqual([2, 4]);
    expect(b.grad).toBeNull();
    opt.step();
    expect([...a.data]).toEqual([0, 0]);
    expect([...b.data]).toEqual([3]);
  });
});
