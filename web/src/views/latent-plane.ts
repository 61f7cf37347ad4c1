/// <reference lib="dom" />
/**
 * The latent-plane view: a variational model's decodings of a grid of latent points (see
 * latent-plane.ts), drawn edge to edge like one picture, with the z values of the first, middle
 * and last grid lines on the axes and the point under the cursor read out (the cursor follows the
 * mouse, or the arrow keys when the plane has the focus). Without a plane it says why (not
 * variational, not images, no model yet).
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

/** A plane that was drawn. */
export type Grid = Extract<LatentPlaneView, { kind: 'grid' }>;

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

/** A cell of the plane: column from the left, row from the top. */
export interface PlaneCell {
  readonly column: number;
  readonly row: number;
}

/** Keys that move the cursor, and the readout's hint about them. */
export const PLANE_KEYS_HINT = 'Arrow keys move across the cells; Home and End go to the ends of a row.';

/**
 * The cell under canvas position (x, y) in CSS pixels, or null between cells and off the plane.
 *
 * @example
 * canvas.onmousemove = (e) => (cell = planeCellAt(plane, canvas, e.offsetX, e.offsetY));
 */
export function planeCellAt(plane: LatentPlaneView, canvas: HTMLCanvasElement, x: number, y: number): PlaneCell | null {
  if (plane.kind !== 'grid' || canvas.clientWidth === 0 || canvas.clientHeight === 0) return null;
  const column = Math.floor(((x * canvas.width) / canvas.clientWidth - PLANE_GAP) / (plane.width + PLANE_GAP));
  const row = Math.floor(((y * canvas.height) / canvas.clientHeight - PLANE_GAP) / (plane.height + PLANE_GAP));
  if (column < 0 || column >= plane.axis.length || row < 0 || row >= plane.rows) return null;
  return { column, row };
}

/** The middle cell (left and up of the middle for an even count), where the cursor starts. */
export function centreCell(plane: Grid): PlaneCell {
  return { column: Math.floor((plane.axis.length - 1) / 2), row: Math.floor((plane.rows - 1) / 2) };
}

/**
 * Where the cursor goes from `cell` when `key` is pressed (from the centre when there is no
 * cursor yet), or null for a key that does not move it. Stops at the edges.
 *
 * @example
 * moveCell(plane, { column: 0, row: 0 }, 'ArrowRight'); // { column: 1, row: 0 }
 */
export function moveCell(plane: Grid, cell: PlaneCell | null, key: string): PlaneCell | null {
  const last = { column: plane.axis.length - 1, row: plane.rows - 1 };
  const from = cell ?? centreCell(plane);
  const clamp = (value: number, max: number): number => Math.max(0, Math.min(max, value));
  const moves: Record<string, PlaneCell> = {
    ArrowLeft: { column: from.column - 1, row: from.row },
    ArrowRight: { column: from.column + 1, row: from.row },
    ArrowUp: { column: from.column, row: from.row - 1 },
    ArrowDown: { column: from.column, row: from.row + 1 },
    Home: { column: 0, row: from.row },
    End: { column: last.column, row: from.row },
  };
  const to = moves[key];
  if (to === undefined) return null;
  return { column: clamp(to.column, last.column), row: clamp(to.row, last.row) };
}

/**
 * The latent point of `cell` in words, with where the cell is.
 *
 * @example
 * describeCell(plane, { column: 0, row: 11 }); // 'z₁ = -1.64, z₂ = -1.64 (column 1 of 12, row 12 of 12 from the top)'
 */
export function describeCell(plane: Grid, cell: PlaneCell): string {
  const n = plane.axis.length;
  const z1 = formatNumber(plane.axis[cell.column]!, 3);
  if (plane.rows === 1) return `z = ${z1} (cell ${cell.column + 1} of ${n})`;
  const z2 = formatNumber(plane.axis[n - 1 - cell.row]!, 3);
  return `z₁ = ${z1}, z₂ = ${z2}${plane.latentDim > 2 ? ', others 0' : ''} (column ${cell.column + 1} of ${n}, row ${cell.row + 1} of ${plane.rows} from the top)`;
}

/**
 * Place the cursor frame `cursor` (absolutely positioned over the canvas) on `cell`, in percent
 * of the canvas so it stays on the cell at any size; null hides it.
 *
 * @example
 * showCell(byId('plane-cursor', HTMLElement), plane, { column: 5, row: 5 });
 */
export function showCell(cursor: HTMLElement, plane: Grid, cell: PlaneCell | null): void {
  cursor.hidden = cell === null;
  if (cell === null) return;
  const width = PLANE_GAP + plane.axis.length * (plane.width + PLANE_GAP);
  const height = PLANE_GAP + plane.rows * (plane.height + PLANE_GAP);
  const percent = (value: number, total: number): string => `${((100 * value) / total).toFixed(3)}%`;
  cursor.style.left = percent(PLANE_GAP + cell.column * (plane.width + PLANE_GAP), width);
  cursor.style.top = percent(PLANE_GAP + cell.row * (plane.height + PLANE_GAP), height);
  cursor.style.width = percent(plane.width, width);
  cursor.style.height = percent(plane.height, height);
}

/**
 * The latent point under canvas position (x, y) in CSS pixels, as text, or null between cells.
 *
 * @example
 * canvas.onmousemove = (e) => (readout.textContent = planePointAt(plane, canvas, e.offsetX, e.offsetY) ?? '');
 */
export function planePointAt(plane: LatentPlaneView, canvas: HTMLCanvasElement, x: number, y: number): string | null {
  const cell = planeCellAt(plane, canvas, x, y);
  return cell === null || plane.kind !== 'grid' ? null : describeCell(plane, cell);
}
