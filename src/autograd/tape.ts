/**
 * The tape: reverse-mode autodiff in the micrograd spirit. Each differentiable op that sees an
 * input requiring grad appends a node (op name, inputs, output, saved values). `backward` walks the
 * tape in reverse, which is a topological order because nodes are appended as ops execute, and
 * applies the op's rule from the gradient table in `grad-rules.ts`.
 *
 * Invariants: one global tape per thread; `noGrad` stops recording; `backward` consumes the tape.
 */

import type { OpName, SavedOf } from './op-names.js';
import type { Tensor } from './tensor.js';

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

/** Take the recorded nodes, leaving an empty tape (used by `backward`). */
export function takeTape(): TapeNode[] {
  const nodes = tape;
  tape = [];
  return nodes;
}
