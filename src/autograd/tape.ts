/**
 * The tape: reverse-mode autodiff in the micrograd spirit. Each differentiable op that sees an
 * input requiring grad appends a node (op name, inputs, output, saved values). `backward` walks the
 * tape in reverse, which is a topological order because nodes are appended as ops execute, and
 * applies the op's rule from the gradient table in `grad-rules.ts`.
 *
 * Invariants: one global tape per thread; `noGrad` stops recording; `backward` consumes the tape.
 */

import type { OpName, SavedOf } from './op-names.js';
import { Tensor } from './tensor.js';

interface NodeOf<K extends OpName> {
  readonly op: K;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly saved: SavedOf<K>;
}

/** One recorded op; a union over op names, so a rule sees the saved values of its own op. */
export type TapeNode = { [K in OpName]: NodeOf<K> }[OpName];
export type TapeNodeOf<K extends OpName> = Extract<TapeNode, { op: K }>;

let tape: TapeNode[] = [];
let recording = true;

export function isRecording(): boolean {
  return recording;
}

/** Run `fn` without recording (inference, optimizer updates, metrics). */
export function noGrad<T>(fn: () => T): T {
  const before = recording;
  recording = false;
  try {
    return fn();
  } finally {
    recording = before;
  }
}

/** Whether an op with these inputs must be recorded. */
export function needsGrad(inputs: readonly Tensor[]): boolean {
  return recording && inputs.some((t) => t.requiresGrad);
}

/** Append a node and mark the output as requiring grad. */
export function record<K extends OpName>(op: K, inputs: readonly Tensor[], output: Tensor, saved: SavedOf<K>): void {
  const node = { op, inputs, output, saved } as NodeOf<K> as TapeNode;
  output.requiresGrad = true;
  output.node = node;
  tape.push(node);
}

/** Drop every recorded node (after a step, or when a forward pass is abandoned). */
export function clearTape(): void {
  for (const node of tape) node.output.node = null;
  tape = [];
}

export function tapeLength(): number {
  return tape.length;
}

/**
 * The rule that maps an output gradient to input gradients (null where an input needs none).
 * Set by `grad-rules.ts`, which imports the ops; the indirection keeps this module free of them.
 */
export type GradRule = (node: TapeNode, dy: Tensor) => ReadonlyArray<Tensor | null>;
let applyRule: GradRule | null = null;

export function installGradRules(rule: GradRule): void {
  applyRule = rule;
}

/**
 * Backpropagate from a scalar `loss`: leaf tensors with requiresGrad get `.grad` (accumulated, so
 * call `zeroGrad` between steps). The tape is cleared afterwards.
 */
export function backward(loss: Tensor): void {
  if (loss.size !== 1) throw new Error(`backward() needs a scalar loss, got ${loss.size} values`);
  if (!applyRule) throw new Error('gradient rules are not installed (import latent through its index)');
  const grads = new Map<Tensor, Tensor>();
  grads.set(loss, Tensor.full(loss.shape, 1));
  const nodes = tape;
  tape = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    node.output.node = null;
    const dy = grads.get(node.output);
    if (!dy) continue;
    grads.delete(node.output);
    const inputGrads = applyRule(node, dy);
    node.inputs.forEach((input, j) => {
      const g = inputGrads[j];
      if (!g || !input.requiresGrad) return;
      // Producers come earlier on the tape, so an input still carrying a node is an intermediate.
      if (input.node === null) {
        accumulateLeaf(input, g);
        return;
      }
      const prev = grads.get(input);
      grads.set(input, prev ? add(prev, g) : g);
    });
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  const backend = leaf.backend;
  if (!leaf.grad) {
    leaf.grad = Tensor.zeros(leaf.shape, { persistent: true });
  }
  backend.binary('add', leaf.grad.data, g.data, leaf.grad.data);
}

function add(a: Tensor, b: Tensor): Tensor {
  const out = Tensor.zeros(a.shape);
  a.backend.binary('add', a.data, b.data, out.data);
  return out;
}
