/**
 * backward(): reverse-mode sweep over the tape. Walking the nodes in reverse recording order is a
 * topological order, because a node is recorded only after its inputs exist. Gradients of
 * intermediates are summed in a map; leaves (parameters, inputs) accumulate into `.grad`.
 *
 * A leaf's gradient is final once the sweep has passed the earliest node that reads it (every
 * later reader is swept first). With `onLeafGradsReady`, the sweep reports each leaf at that
 * point, so a caller can use the gradient while it is still in cache (the trainer updates a
 * layer's parameters there): no rule swept afterwards reads that leaf.
 */

import { applyGradRule } from './grad-rules.js';
import { takeTape, type TapeNode } from './tape.js';
import { Tensor } from './tensor.js';
import { sameShape } from '../tensor/shape.js';

/**
 * Called during `backward` with the leaves whose gradients became final at one node (at least
 * one; a leaf that received no gradient is reported too, with `.grad` unchanged).
 */
export type LeafGradsReady = (leaves: readonly Tensor[]) => void;

/**
 * Backpropagate from a scalar `loss`. Leaf tensors with requiresGrad get `.grad` (accumulated,
 * so zero them between steps). The tape is consumed.
 *
 * @example
 * const x = Tensor.from([3], [1], { requiresGrad: true });
 * backward(ops.sum(ops.square(x))); // x.grad holds 6
 */
export function backward(loss: Tensor, onLeafGradsReady?: LeafGradsReady): void {
  if (loss.size !== 1) throw new Error(`backward() needs a scalar loss, got ${loss.size} values`);
  const grads = new Map<Tensor, Tensor>([[loss, Tensor.full(loss.shape, 1)]]);
  const nodes = takeTape();
  const readers = onLeafGradsReady ? countLeafReaders(nodes) : null;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    node.output.node = null;
    const dy = grads.get(node.output);
    if (dy) {
      grads.delete(node.output);
      pushGrads(node, dy, applyGradRule(node, dy), grads);
    }
    if (readers) reportReady(node, readers, onLeafGradsReady!);
  }
}

/** Route a node's input gradients: into `.grad` for leaves, into `grads` for intermediates. */
function pushGrads(node: TapeNode, dy: Tensor, inputGrads: ReadonlyArray<Tensor | null>, grads: Map<Tensor, Tensor>): void {
  const inputs = node.inputs;
  for (let j = 0; j < inputs.length; j++) {
    const input = inputs[j]!;
    const g = inputGrads[j];
    if (!g || !input.requiresGrad) continue;
    // Producers come earlier on the tape, so an input still carrying a node is an intermediate.
    if (input.node === null) {
      // A gradient the rule made for this input alone (not dy passed through, not shared with
      // another input) can become the leaf's .grad as it is.
      const exclusive = g !== dy && inputGrads.indexOf(g) === j && inputGrads.lastIndexOf(g) === j;
      accumulateLeaf(input, g, exclusive);
      continue;
    }
    const prev = grads.get(input);
    grads.set(input, prev ? sumOf(prev, g) : g);
  }
}

/**
 * How many node inputs read each leaf that wants a gradient. Before the sweep, every
 * intermediate still carries its node, so a tensor without one is a leaf.
 */
function countLeafReaders(nodes: readonly TapeNode[]): Map<Tensor, number> {
  const readers = new Map<Tensor, number>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (input.requiresGrad && input.node === null) readers.set(input, (readers.get(input) ?? 0) + 1);
    }
  }
  return readers;
}

/** Count the node's leaf inputs as read, and report the leaves that no earlier node reads. */
function reportReady(node: TapeNode, readers: Map<Tensor, number>, onReady: LeafGradsReady): void {
  let ready: Tensor[] | null = null;
  for (const input of node.inputs) {
    const left = readers.get(input);
    if (left === undefined) continue;
    if (left > 1) {
      readers.set(input, left - 1);
      continue;
    }
    readers.delete(input);
    (ready ??= []).push(input);
  }
  if (ready) onReady(ready);
}

/**
 * Add `g` into `leaf.grad`. The first gradient since zeroGrad is taken over when `exclusive` (no
 * other tensor refers to it; a W1 step then copies none of its 944k weight gradients), else copied.
 */
function accumulateLeaf(leaf: Tensor, g: Tensor, exclusive: boolean): void {
  if (!leaf.grad) {
    if (exclusive && sameShape(g.shape, leaf.shape) && g.adoptAsPersistent()) {
      leaf.grad = g;
      return;
    }
    leaf.grad = Tensor.empty(leaf.shape, { persistent: true });
    leaf.grad.data.set(g.data);
    return;
  }
  leaf.backend.binary('add', leaf.grad.data, g.data, leaf.grad.data);
}

function sumOf(a: Tensor, b: Tensor): Tensor {
  const out = Tensor.empty(a.shape);
  a.backend.binary('add', a.data, b.data, out.data);
  return out;
}
