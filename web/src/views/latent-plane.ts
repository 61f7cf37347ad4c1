/// <reference lib="dom" />
/**
 * The latent-plane view: a variational model's decodings of a grid of latent points (see
 * latent-plane.ts), drawn edge to edge like one picture, with the z values of the first, middle
 * and last grid lines on the axes and the point under the pointer read out. Without a plane it
 * says why (not variational, not images, no model yet).
 *
 * Invariant: the canvas holds exactly `rows × axis.length` cells of `height × width` pixels,
 * separated by `PLANE_GAP` pixels, in the order of `LatentPlaneView.images`.
 */

import { formatNumber, latentPlaneView, PLANE_GAP } from '../../../src/report/index.js';
import type { LatentPlaneView } from '../protocol.js';
import { drawPixels } from './canvas.js';

/** Pixels between cells (and around the grid), as the shared view draws them. */
export { PLANE_GAP };

export interface PlaneElements {
  readonly figure: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly info: HTMLElement;
  readonly xTicks: HTMLElement;
  readonly yTicks: HTMLElement;
}

type Grid = Extract<LatentPlaneView, { kind: 'grid' }>;

/**
 * Draw `plane` (null before there is a model).
 *
 * @example
 * renderLatentPlane(elements, views.plane);
 */
export function renderLatentPlane(elements: PlaneElements, plane: LatentPlaneView | null): void {
  if (plane === null || plane.kind === 'unavailable') {
    elements.figure.hidden = true;
    elements.canvas.dataset['cells'] = '0';
    elements.info.textContent =
      plane === null
        ? 'Train a variational model on the digits (or open one) to see what it decodes across its latent plane.'
        : plane.reason;
    return;
  }
  const n = plane.axis.length;
  elements.figure.hidden = false;
  // The same picture and words as the report's latent plane.
  const view = latentPlaneView(plane);
  drawPixels(elements.canvas, view.grid);
  elements.canvas.dataset['cells'] = String(plane.rows * n);
  elements.canvas.dataset['columns'] = String(n);
  elements.info.textContent = view.alt;
  ticks(elements.xTicks, plane, 'x');
  ticks(elements.yTicks, plane, 'y');
}

/** Tick labels at the centres of the first, middle and last cells (by percentage of the canvas). */
function ticks(container: HTMLElement, plane: Grid, axis: 'x' | 'y'): void {
  const n = axis === 'x' ? plane.axis.length : plane.rows;
  const cell = axis === 'x' ? plane.width : plane.height;
  const total = PLANE_GAP + n * (cell + PLANE_GAP);
  const centre = (i: number): number => (100 * (PLANE_GAP + i * (cell + PLANE_GAP) + cell / 2)) / total;
  const marks: Array<[number, number]> =
    n === 1
      ? []
      : [
          [centre(0), 0],
          [50, -1],
          [centre(n - 1), n - 1],
        ];
  container.replaceChildren(
    ...marks.map(([position, index]) => {
      const tick = document.createElement('span');
      // The middle mark is z = 0: the axis is symmetric about the prior's mean.
      const value = index < 0 ? 0 : axis === 'x' ? plane.axis[index]! : plane.axis[plane.axis.length - 1 - index]!;
      tick.textContent = formatNumber(value, 3);
      tick.style.setProperty(axis === 'x' ? 'left' : 'top', `${position.toFixed(2)}%`);
      return tick;
    }),
  );
}

/**
 * The latent point under canvas position (x, y) in CSS pixels, as text, or null between cells.
 *
 * @example
 * canvas.onmousemove = (e) => (readout.textContent = planePointAt(plane, canvas, e.offsetX, e.offsetY) ?? '');
 */
export function planePointAt(plane: LatentPlaneView, canvas: HTMLCanvasElement, x: number, y: number): string | null {
  if (plane.kind !== 'grid' || canvas.clientWidth === 0 || canvas.clientHeight === 0) return null;
  const n = plane.axis.length;
  const column = Math.floor(((x * canvas.width) / canvas.clientWidth - PLANE_GAP) / (plane.width + PLANE_GAP));
  const row = Math.floor(((y * canvas.height) / canvas.clientHeight - PLANE_GAP) / (plane.height + PLANE_GAP));
  if (column < 0 || column >= n || row < 0 || row >= plane.rows) return null;
  const z1 = formatNumber(plane.axis[column]!, 3);
  if (plane.rows === 1) return `z = ${z1}`;
  const z2 = formatNumber(plane.axis[n - 1 - row]!, 3);
  return `z₁ = ${z1}, z₂ = ${z2}${plane.latentDim > 2 ? ', others 0' : ''}`;
}
