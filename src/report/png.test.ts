import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { decodePng, encodePng } from './png.js';

describe('PNG', () => {
  it('round-trips a grayscale image and writes colour type 0', () => {
    const pixels = new Uint8Array([0, 51, 102, 153, 204, 255]);
    const png = encodePng(pixels, 3, 2, 1);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png[25]).toBe(0); // IHDR colour type
    const decoded = decodePng(png, 'gray.png');
    expect(decoded).toMatchObject({ width: 3, height: 2, channels: 1 });
    expect(Array.from(decoded.data)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
  });

  it('round-trips an RGB image and writes colour type 2', () => {
    const pixels = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const png = encodePng(pixels, 2, 2, 3);
    expect(png[25]).toBe(2);
    const decoded = decodePng(png, 'rgb.png');
    expect(decoded).toMatchObject({ width: 2, height: 2, channels: 3 });
    expect(Array.from(decoded.data, (v) => Math.round(v * 255))).toEqual(Array.from(pixels));
  });

  it('composites RGBA over the background and drops alpha', () => {
    const source = new PNG({ width: 2, height: 1 });
    source.data = Buffer.from([200, 100, 0, 255, 200, 100, 0, 0]);
    const bytes = PNG.sync.write(source, { colorType: 6 });
    const black = decodePng(bytes, 'rgba.png');
    expect(black.channels).toBe(3);
    expect(Array.from(black.data, (v) => Math.round(v * 255))).toEqual([200, 100, 0, 0, 0, 0]);
    const white = decodePng(bytes, 'rgba.png', { background: 1 });
    expect(Array.from(white.data, (v) => Math.round(v * 255))).toEqual([200, 100, 0, 255, 255, 255]);
  });

  it('reads grayscale with alpha as one channel', () => {
    const source = new PNG({ width: 1, height: 1 });
    source.data = Buffer.from([128, 128, 128, 255]);
    const bytes = PNG.sync.write(source, { colorType: 4 });
    const decoded = decodePng(bytes, 'ga.png');
    expect(decoded.channels).toBe(1);
    expect(Math.round(decoded.data[0] * 255)).toBe(128);
  });

  it('explains corrupt files and bad pixel buffers', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3]), 'junk.png')).toThrow(/junk\.png is not a readable PNG/);
    const good = encodePng(new Uint8Array(64), 8, 8, 1);
    expect(() => decodePng(good.subarray(0, good.length - 20), 'cut.png')).toThrow(LatentError);
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(/expected 2×2×1 = 4 bytes, got 5/);
    expect(() => encodePng(new Uint8Array(0), 0, 2, 1)).toThrow(LatentError);
  });
});
