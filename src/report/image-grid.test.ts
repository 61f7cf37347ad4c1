import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { imageGrid } from './image-grid.js';
import { imageGridPng } from './image-grid-png.js';
import { decodePng } from './png.js';

/** n images of h×w, image i filled with value (i + 1) / n. */
function batch(n: number, h: number, w: number): Float32Array {
  const out = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) out.fill((i + 1) / n, i * h * w, (i + 1) * h * w);
  return out;
}

describe('imageGrid', () => {
  it('lays out two unlabelled rows of 10 digits with padding', () => {
    const grid = imageGrid([[...split(batch(10, 28, 28), 784)], [...split(batch(10, 28, 28), 784)]], { height: 28, width: 28 });
    // 10 columns of 28 px plus 11 gaps of 2; 2 lines of 28 plus 3 gaps.
    expect(grid.width).toBe(10 * 28 + 11 * 2);
    expect(grid.height).toBe(2 * 28 + 3 * 2);
    expect(grid.channels).toBe(1);
    expect(grid.pixels.length).toBe(grid.width * grid.height);
    // Padding is white; the first image (value 0.1) starts at (2, 2); the 10th image is 255.
    expect(grid.pixels[0]).toBe(255);
    expect(grid.pixels[2 * grid.width + 2]).toBe(Math.round(0.1 * 255));
    expect(grid.pixels[2 * grid.width + 2 + 9 * 30]).toBe(255);
  });

  it('upscales by an integer factor and leaves room for labels', () => {
    const x = batch(10, 28, 28);
    const grid = imageGrid(
      [
        { label: 'original', images: x },
        { label: 'reconstruction', images: x },
      ],
      { height: 28, width: 28, scale: 2, padding: 4 },
    );
    // Label area: "reconstruction" (14 glyphs × 6 − 1 = 83 px) at font scale 2 = 166 px, plus 2 gaps of 4.
    const left = 166 + 8;
    expect(grid.width).toBe(left + 10 * (56 + 4));
    expect(grid.height).toBe(4 + 2 * (56 + 4));
    // Each source pixel is a 2×2 block: the first image covers x in [left, left+56).
    const row = 4 * grid.width;
    expect(grid.pixels[row + left]).toBe(26);
    expect(grid.pixels[row + left + 55]).toBe(26);
    expect(grid.pixels[row + left + 56]).toBe(255);
    // Labels put dark ink in the label area.
    const labelArea: number[] = [];
    for (let y = 0; y < grid.height; y++) for (let x2 = 0; x2 < left; x2++) labelArea.push(grid.pixels[y * grid.width + x2]);
    expect(labelArea.filter((v) => v === 0).length).toBeGreaterThan(50);
  });

  it('clamps values to [0, 1] and draws NaN as 0', () => {
    const grid = imageGrid([[new Float32Array([-1, 0.5, 2, NaN])]], { height: 2, width: 2, padding: 0 });
    expect(Array.from(grid.pixels)).toEqual([0, 128, 255, 0]);
  });

  it('handles RGB images in HWC order', () => {
    const image = new Float32Array([1, 0, 0, 0, 1, 0]);
    const grid = imageGrid([[image]], { height: 1, width: 2, channels: 3, padding: 0 });
    expect(grid.channels).toBe(3);
    expect(Array.from(grid.pixels)).toEqual([255, 0, 0, 0, 255, 0]);
  });

  it('wraps long rows at `columns` and lays a packed batch out as a square', () => {
    const wrapped = imageGrid([{ label: 'a', images: batch(7, 2, 2) }], { height: 2, width: 2, columns: 3, padding: 1 });
    expect(wrapped.height).toBe(1 + 3 * 3);
    const square = imageGrid(batch(9, 2, 2), { height: 2, width: 2, padding: 1 });
    expect([square.width, square.height]).toEqual([1 + 3 * 3, 1 + 3 * 3]);
  });

  it('rejects data that does not match the image size, and bad options', () => {
    expect(() => imageGrid([{ images: new Float32Array(785) }], { height: 28, width: 28 })).toThrow(/row 1: 785 values/);
    expect(() => imageGrid([[new Float32Array(4), new Float32Array(3)]], { height: 2, width: 2 })).toThrow(/row 1, image 2 has 3 values/);
    expect(() => imageGrid(batch(1, 2, 2), { height: 2, width: 2, scale: 1.5 })).toThrow(LatentError);
  });

  it('encodes the grid as a PNG of the same size', () => {
    const x = batch(10, 28, 28);
    const png = imageGridPng(
      [
        { label: 'original', images: x },
        { label: 'reconstruction', images: x },
      ],
      { height: 28, width: 28 },
    );
    const decoded = decodePng(png, 'grid.png');
    const grid = imageGrid(
      [
        { label: 'original', images: x },
        { label: 'reconstruction', images: x },
      ],
      { height: 28, width: 28 },
    );
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([grid.width, grid.height, 1]);
    expect(Array.from(decoded.data, (v) => Math.round(v * 255))).toEqual(Array.from(grid.pixels));
  });
});

function split(packed: Float32Array, size: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < packed.length; i += size) out.push(packed.subarray(i, i + size));
  return out;
}
