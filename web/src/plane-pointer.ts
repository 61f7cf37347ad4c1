/// <reference lib="dom" />
/**
 * The latent plane's cursor: one cell at a time is framed and its latent point read out, moved by
 * the mouse or, when the plane has the focus, by the arrow keys (Home and End for the ends of a
 * row). The readout is a polite live region, so a screen reader says each point as the keys move.
 *
 * Invariant: mouse and keys move the same cursor through the same functions, so both read out
 * the same words; the cursor never leaves the grid the page draws now.
 */

import {
  centreCell,
  describeCell,
  moveCell,
  PLANE_KEYS_HINT,
  planeCellAt,
  showCell,
  type Grid,
  type PlaneCell,
} from './views/latent-plane.js';
import type { LatentPlaneView } from './protocol.js';

export interface PlanePointerElements {
  readonly canvas: HTMLCanvasElement;
  /** The frame over the current cell, absolutely positioned over the canvas. */
  readonly cursor: HTMLElement;
  /** The readout (aria-live). */
  readonly readout: HTMLElement;
}

/** What the readout says with no cell chosen. */
export const PLANE_READOUT_IDLE = `Point at a cell, or focus the plane, to read its latent coordinates. ${PLANE_KEYS_HINT}`;

/**
 * Wire the mouse and keys of the plane; `currentPlane` gives the plane drawn now (or null).
 *
 * @example
 * wirePlanePointer({ canvas, cursor, readout }, () => state.views?.plane ?? null);
 */
export function wirePlanePointer(elements: PlanePointerElements, currentPlane: () => LatentPlaneView | null): void {
  const { canvas, cursor, readout } = elements;
  let cell: PlaneCell | null = null;
  const grid = (): Grid | null => {
    const plane = currentPlane();
    return plane !== null && plane.kind === 'grid' ? plane : null;
  };
  const show = (plane: Grid, next: PlaneCell | null): void => {
    // A redrawn plane may have fewer cells: keep the cursor on the grid.
    cell = next === null ? null : { column: Math.min(next.column, plane.axis.length - 1), row: Math.min(next.row, plane.rows - 1) };
    showCell(cursor, plane, cell);
    readout.textContent = cell === null ? PLANE_READOUT_IDLE : describeCell(plane, cell);
  };

  canvas.addEventListener('mousemove', (event) => {
    const plane = grid();
    if (plane !== null) show(plane, planeCellAt(plane, canvas, event.offsetX, event.offsetY));
  });
  canvas.addEventListener('mouseleave', () => {
    const plane = grid();
    if (plane !== null && document.activeElement !== canvas) show(plane, null);
  });
  canvas.addEventListener('focus', () => {
    const plane = grid();
    // Focus starts the cursor at the centre (or where it was), so the first key press reads a point.
    if (plane !== null) show(plane, cell ?? centreCell(plane));
  });
  canvas.addEventListener('blur', () => {
    const plane = grid();
    if (plane !== null) showCell(cursor, plane, null);
  });
  canvas.addEventListener('keydown', (event) => {
    const plane = grid();
    if (plane === null || event.altKey || event.ctrlKey || event.metaKey) return;
    const next = moveCell(plane, cell, event.key);
    if (next === null) return;
    // The keys move the cursor, not the page.
    event.preventDefault();
    show(plane, next);
  });
}
