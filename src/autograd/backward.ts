/**
 * backward(): reverse-mode sweep over the tape. Walking the nodes in reverse recording order is a
 * topological order, because a node is recorded only after its inputs exist. Gradients of
 * intermediates are summed in a map; leaves (parameters, inputs) accumulate into `.grad`.
 */

import { applyGradRule } from './grad-rules.js';
import { takeTape } from './tape.js';
import { Tensor } from './tensor.js';
import { sameShape } from '../tensor/shape.js';

/**
 * Backpropagate from a scalar `loss`. Leaf tensors with requiresGrad get `.grad` (accumulated,
 * so zero them between steps). The tape is consumed.
 *
 * @example
 * const x = Tensor.from([3], [1], { requiresGrad: true });
 * backward(ops.sum(ops.square(x))); // x.grad holds 6
 */
export function backward(loss: Tensor): void {
  if (loss.size !== 1) throw new Error(`backward() needs a scalar loss, got ${loss.size} values`);
  const grads = new Map<Tensor, Tensor>([[loss, Tensor.full(loss.shape, 1)]]);
  const nodes = takeTape();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    node.output.node = null;
    const dy = grads.get(node.output);
    if (!dy) continue;
    grads.delete(node.output);
    const inputGrads = applyGradRule(node, dy);
    node.inputs.forEach((input, j) => {
      const g = inputGrads[j];
      if (!g || !input.requiresGrad) return;
      // Producers come earlier on the tape, so an input still carrying a node is an intermediate.
      if (input.node === null) {
        // A gradient the rule made for this input alone (not dy passed through, not shared with
        // another input) can become the leaf's .grad as it is.
        const exclusive = g !== dy && inputGrads.indexOf(g) === j && inputGrads.lastIndexOf(g) === j;
        accumulateLeaf(input, g, exclusive);
        return;
      }
      const prev = grads.get(input);
      grads.set(input, prev ? sumOf(prev, g) : g);
    });
  }
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
