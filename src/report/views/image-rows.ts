/**
 * Image views: labelled rows of images (originals above reconstructions, noisy above denoised,
 * the same rows rebuilt by PCA) and the latent plane of a VAE, as 8-bit pixel grids with a text
 * alternative. DOM-free: the report encodes the grid as PNG, the playground puts it on a canvas.
 *
 * Invariants: images are values in [0, 1] (callers bring 8-bit data into that range with
 * `toUnitRange`); every row holds the same number of images, so columns line up. Row names are
 * never drawn into the pixels: the view says where each row sits, and pages set the names as text
 * beside the picture (see image-rows-markup.ts), so they stay legible when a phone shrinks it.
 */

import { imageGrid, type GridPixels } from '../image-grid.js';
import { formatNumber } from '../text.js';

export interface GridImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels?: 1 | 3;
}

export interface ImageRow {
  readonly label: string;
  /** Images packed n × height × width × channels. */
  readonly images: Float32Array;
}

/** A pixel grid and the sentence that stands for it where it cannot be seen. */
export interface ImageView {
  readonly grid: GridPixels;
  readonly alt: string;
}

/** A named row of the grid and where it sits, in grid pixels from the top. */
export interface PlacedRow {
  readonly label: string;
  readonly top: number;
  readonly height: number;
}

/** Where the images are, in grid pixels: image (row r, column c) starts at (left + c·(cellWidth + gap), top + r·(cellHeight + gap)). */
export interface CellLayout {
  readonly left: number;
  readonly top: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly gap: number;
  readonly columns: number;
}

/** Rows of images: the picture, its text alternative, and where each named row and image is. */
export interface ImageRowsView extends ImageView {
  readonly rows: readonly PlacedRow[];
  readonly cells: CellLayout;
}

export interface ImageRowsOptions {
  /** Integer upscale of every image (default 2). */
  readonly scale?: number;
  /** Gap between images in output pixels (default 3). */
  readonly padding?: number;
  /** Gray level in [0, 1] of the gaps (default 0.15: reads on light and dark pages). */
  readonly background?: number;
}

/**
 * Rows of images, one column per sample; the row names come back with their places, for text
 * beside the picture.
 *
 * @example
 * const view = imageRowsView([{ label: 'original', images: x }, { label: 'reconstructed', images: y }], { height: 28, width: 28 });
 * view.rows[1]; // { label: 'reconstructed', top: 62, height: 56 }
 */
export function imageRowsView(rows: readonly ImageRow[], shape: GridImageShape, options: ImageRowsOptions = {}): ImageRowsView {
  const size = shape.height * shape.width * (shape.channels ?? 1);
  const count = rows.length === 0 ? 0 : rows[0]!.images.length / size;
  const scale = options.scale ?? 2;
  const gap = options.padding ?? 3;
  const grid = imageGrid(
    rows.map((row) => ({ images: row.images })),
    {
      height: shape.height,
      width: shape.width,
      ...(shape.channels === undefined ? {} : { channels: shape.channels }),
      // Every row as one line, so row i is line i (names and frames are placed by that).
      columns: Math.max(1, count),
      scale,
      padding: gap,
      background: options.background ?? 0.15,
    },
  );
  const cells: CellLayout = {
    left: gap,
    top: gap,
    cellWidth: shape.width * scale,
    cellHeight: shape.height * scale,
    gap,
    columns: Math.max(1, count),
  };
  const placed = rows.map((row, i) => ({ label: row.label, top: gap + i * (cells.cellHeight + gap), height: cells.cellHeight }));
  const alt = `${count} ${shape.height}×${shape.width} images per row; rows from top: ${rows.map((r) => r.label).join(', ')}.`;
  return { grid, alt, rows: placed, cells };
}

export interface LatentPlaneInput {
  /** Decoded images, rows × axis.length, row-major from the top row (highest z₂) down. */
  readonly images: Float32Array;
  /** z values of the grid lines (the same along both axes). */
  readonly axis: Float32Array;
  /** Rows of the grid: axis.length, or 1 for a one-dimensional code. */
  readonly rows: number;
  readonly latentDim: number;
  readonly height: number;
  readonly width: number;
  readonly channels?: 1 | 3;
}

/** Pixels between the plane's cells. */
export const PLANE_GAP = 1;

/**
 * The latent plane as one picture, cells edge to edge on a dark ground.
 *
 * @example
 * const { grid, alt } = latentPlaneView({ images, axis, rows: 12, latentDim: 2, height: 28, width: 28 });
 */
export function latentPlaneView(plane: LatentPlaneInput, scale = 1): ImageView {
  const n = plane.axis.length;
  const grid = imageGrid(plane.images, {
    height: plane.height,
    width: plane.width,
    ...(plane.channels === undefined ? {} : { channels: plane.channels }),
    columns: n,
    padding: PLANE_GAP,
    background: 0.3,
    scale,
  });
  const lo = formatNumber(plane.axis[0]!, 3);
  const hi = formatNumber(plane.axis[n - 1]!, 3);
  const rest = plane.latentDim > 2 ? ` Latent dimensions 3–${plane.latentDim} are held at 0, the prior's mean.` : '';
  const alt =
    plane.rows === 1
      ? `What the decoder makes of ${n} points along its one latent dimension, from z = ${lo} to ${hi} (quantiles of the prior N(0, 1) from 5% to 95%).`
      : `What the decoder makes of a ${plane.rows}×${n} grid of latent points: z₁ (across) and z₂ (up) from ${lo} to ${hi}, ` +
        `quantiles of the prior N(0, 1) at evenly spaced probabilities from 5% to 95%.${rest}`;
  return { grid, alt };
}

/**
 * Values scaled into [0, 1] for drawing when the data go beyond it (8-bit pixels); data already
 * in [0, 1] are returned as they are.
 *
 * @example
 * toUnitRange(Float32Array.of(0, 128, 255)); // [0, 0.502, 1]
 */
export function toUnitRange(values: Float32Array, max = maxOf(values)): Float32Array {
  return max <= 1 ? values : values.map((v) => v / max);
}

function maxOf(values: Float32Array): number {
  let max = 1;
  for (const v of values) if (v > max) max = v;
  return max;
}
