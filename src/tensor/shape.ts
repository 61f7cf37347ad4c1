/**
 * Shapes: readonly integer lists, and the checks that turn a shape mismatch into a message that
 * names the tensor and both shapes.
 */

import { LatentError } from '../errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** Throw unless `actual` equals `expected`; -1 in `expected` matches any size. */
export function assertShape(name: string, actual: Shape, expected: Shape): void {
  const ok = actual.length === expected.length && expected.every((dim, i) => dim === -1 || dim === actual[i]);
  if (!ok) {
    throw new LatentError(
      `${name} has shape ${formatShape(actual)}, expected ${`[${expected.map((d) => (d === -1 ? '*' : String(d))).join(', ')}]`}`,
    );
  }
}

export function assertValidShape(shape: Shape): void {
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) throw new LatentError(`invalid shape ${formatShape(shape)}: sizes must be whole numbers ≥ 0`);
  }
}
