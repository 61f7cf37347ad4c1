import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { THIN_CONV_DEPTH } from './conv.js';
import { gradcheck, ops, Tensor } from './index.js';

interface Geo {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** Direct convolution by its definition: y[n,o,y,x] = b[o] + Σ_{c,ky,kx} w[o,c,ky,kx]·x[n,c,y·s−p+ky·d, x·s−p+kx·d]. */
function directConv(x: Tensor, w: Tensor, b: Tensor | null, g: Geo): { data: number[]; shape: number[] } {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, , kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * g.padding[0] - g.dilation[0] * (kh - 1) - 1) / g.stride[0]) + 1;
  const ow = Math.floor((wd + 2 * g.padding[1] - g.dilation[1] * (kw - 1) - 1) / g.stride[1]) + 1;
  const out: number[] = [];
  for (let ni = 0; ni < n; ni++)
    for (let oi = 0; oi < o; oi++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let s = b ? b.data[oi]! : 0;
          for (let ci = 0; ci < c; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = y * g.stride[0] - g.padding[0] + ky * g.dilation[0];
                const ix = xx * g.stride[1] - g.padding[1] + kx * g.dilation[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                s += w.data[((oi * c + ci) * kh + ky) * kw + kx]! * x.data[((ni * c + ci) * h + iy) * wd + ix]!;
              }
          out.push(s);
        }
  return { data: out, shape: [n, o, oh, ow] };
}

/** Direct transposed convolution: scatter x[n,ci,y,x]·w[ci,co,ky,kx] to out[n,co,y·s−p+ky·d, x·s−p+kx·d]. */
function directConvTranspose(x: Tensor, w: Tensor, b: Tensor | null, g: Geo, op: [number, number]): { data: number[]; shape: number[] } {
  const [n, ci, h, wd] = x.shape as [number, number, number, number];
  const [, co, kh, kw] = w.shape as [number, number, number, number];
  const oh = (h - 1) * g.stride[0] - 2 * g.padding[0] + g.dilation[0] * (kh - 1) + op[0] + 1;
  const ow = (wd - 1) * g.stride[1] - 2 * g.padding[1] + g.dilation[1] * (kw - 1) + op[1] + 1;
  const out = new Array<number>(n * co * oh * ow).fill(0);
  for (let ni = 0; ni < n; ni++)
    for (let c = 0; c < co; c++) for (let i = 0; i < oh * ow; i++) out[(ni * co + c) * oh * ow + i] = b ? b.data[c]! : 0;
  for (let ni = 0; ni < n; ni++)
    for (let c = 0; c < ci; c++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < wd; xx++)
          for (let o = 0; o < co; o++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const oy = y * g.stride[0] - g.padding[0] + ky * g.dilation[0];
                const ox = xx * g.stride[1] - g.padding[1] + kx * g.dilation[1];
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                out[((ni * co + o) * oh + oy) * ow + ox]! +=
                  x.data[((ni * ci + c) * h + y) * wd + xx]! * w.data[((c * co + o) * kh + ky) * kw + kx]!;
              }
  return { data: out, shape: [n, co, oh, ow] };
}

const geos: Array<[string, Geo]> = [
  ['plain', { stride: [1, 1], padding: [0, 0], dilation: [1, 1] }],
  ['stride 2 pad 1', { stride: [2, 2], padding: [1, 1], dilation: [1, 1] }],
  ['dilation 2 pad 2', { stride: [1, 1], padding: [2, 2], dilation: [2, 2] }],
  ['mixed axes', { stride: [2, 1], padding: [1, 0], dilation: [1, 2] }],
];

const rng = new Rng(11);
const param = (shape: number[]): Tensor => Tensor.uniform(shape, rng, -1, 1, { requiresGrad: true });
const project = (y: Tensor): Tensor => ops.sum(ops.mul(y, Tensor.uniform(y.shape, new Rng(3), -1, 1)));

describe('conv2d', () => {
  it.each(geos)('matches a direct convolution (%s)', (_name, g) => {
    const x = param([2, 3, 7, 6]);
    const w = param([4, 3, 3, 2]);
    const b = param([4]);
    const y = ops.conv2d(x, w, b, g);
    const ref = directConv(x, w, b, g);
    expect(y.shape).toEqual(ref.shape);
    expectAllClose(y.data, ref.data, 1e-5, 1e-5);
  });

  it.each(geos)('gradients match finite differences (%s)', (_name, g) => {
    const inputs = [param([2, 2, 5, 5]), param([3, 2, 3, 2]), param([3])];
    const r = gradcheck(([x, w, b]) => project(ops.conv2d(x!, w!, b!, g)), inputs);
    expect(r.ok, r.message).toBe(true);
  });

  it('works without a bias', () => {
    const x = param([1, 2, 4, 4]);
    const w = param([2, 2, 3, 3]);
    const g = geos[0]![1];
    expectAllClose(ops.conv2d(x, w, null, g).data, directConv(x, w, null, g).data, 1e-5, 1e-5);
    const r = gradcheck(([a, b]) => project(ops.conv2d(a!, b!, null, { padding: 1 })), [x, w]);
    expect(r.ok, r.message).toBe(true);
  });

  it('names channels and shapes on a mismatch', () => {
    expect(() => ops.conv2d(Tensor.zeros([1, 3, 4, 4]), Tensor.zeros([2, 2, 3, 3]), null)).toThrow(
      /input has 3 channels .* weight expects 2/,
    );
    expect(() => ops.conv2d(Tensor.zeros([1, 2, 2, 2]), Tensor.zeros([2, 2, 3, 3]), null)).toThrow(/does not fit a 2x2 input/);
    expect(() => ops.conv2d(Tensor.zeros([4, 4]), Tensor.zeros([2, 2, 3, 3]), null)).toThrow(/input must be 4-D/);
    expect(() => ops.conv2d(Tensor.zeros([1, 2, 4, 4]), Tensor.zeros([2, 2, 3, 3]), Tensor.zeros([3]))).toThrow(/bias has 3 values/);
  });
});

describe('convTranspose2d', () => {
  const cases: Array<[string, Geo, [number, number]]> = [
    ...geos.map(([name, g]): [string, Geo, [number, number]] => [name, g, [0, 0]]),
    ['stride 2 pad 1 output padding 1', { stride: [2, 2], padding: [1, 1], dilation: [1, 1] }, [1, 1]],
    ['stride 3 output padding 2,1', { stride: [3, 2], padding: [0, 1], dilation: [1, 1] }, [2, 1]],
  ];

  it.each(cases)('matches a direct transposed convolution (%s)', (_name, g, op) => {
    const x = param([2, 3, 4, 3]);
    const w = param([3, 2, 3, 2]);
    const b = param([2]);
    const y = ops.convTranspose2d(x, w, b, { ...g, outputPadding: op });
    const ref = directConvTranspose(x, w, b, g, op);
    expect(y.shape).toEqual(ref.shape);
    expectAllClose(y.data, ref.data, 1e-5, 1e-5);
  });

  it.each(cases)('gradients match finite differences (%s)', (_name, g, op) => {
    const inputs = [param([2, 2, 3, 3]), param([2, 3, 3, 2]), param([3])];
    const r = gradcheck(([x, w, b]) => project(ops.convTranspose2d(x!, w!, b!, { ...g, outputPadding: op })), inputs);
    expect(r.ok, r.message).toBe(true);
  });

  it('is the adjoint of conv2d: <conv(x), y> = <x, convT(y)>', () => {
    const g = { stride: 2, padding: 1, dilation: 1 } as const;
    const x = param([1, 2, 7, 7]);
    const w = param([3, 2, 3, 3]);
    const y = param([1, 3, 4, 4]);
    const lhs = ops.sum(ops.mul(ops.conv2d(x, w, null, g), y)).item();
    const rhs = ops.sum(ops.mul(x, ops.convTranspose2d(y, w, null, g))).item();
    expect(lhs).toBeCloseTo(rhs, 4);
  });

  it('inverts the spatial size of a stride-2 conv with output padding 1 (28 → 14 → 28)', () => {
    const y = ops.convTranspose2d(Tensor.zeros([1, 4, 14, 14]), Tensor.zeros([4, 1, 3, 3]), null, {
      stride: 2,
      padding: 1,
      outputPadding: 1,
    });
    expect(y.shape).toEqual([1, 1, 28, 28]);
  });

  it('rejects output padding not below stride or dilation', () => {
    expect(() =>
      ops.convTranspose2d(Tensor.zeros([1, 1, 3, 3]), Tensor.zeros([1, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }),
    ).toThrow(/output padding 2x2 must be smaller/);
  });
});

describe('shallow and deep columns', () => {
  // K = channels·kH·kW of the image side on each side of THIN_CONV_DEPTH: the shallow layers take
  // the direct products (columnsToChannels, channelsToColumns, channelColumnsGrad), the deep ones
  // GEMM and the axis swaps.
  const g: Geo = { stride: [2, 2], padding: [1, 1], dilation: [1, 1] };
  const sides: Array<[string, number]> = [
    ['shallow, K = 9', 1],
    ['shallow, K = 16', 4],
    ['deep, K = 27', 3],
  ];

  it('straddle the threshold', () => {
    expect(9).toBeLessThanOrEqual(THIN_CONV_DEPTH);
    expect(16).toBeLessThanOrEqual(THIN_CONV_DEPTH);
    expect(27).toBeGreaterThan(THIN_CONV_DEPTH);
  });

  it.each(sides)('conv2d matches a direct convolution and finite differences (%s)', (_name, channels) => {
    const [kh, kw] = channels === 4 ? [2, 2] : [3, 3];
    const x = param([3, channels, 7, 6]);
    const w = param([5, channels, kh, kw]);
    const b = param([5]);
    expectAllClose(ops.conv2d(x, w, b, g).data, directConv(x, w, b, g).data, 1e-5, 1e-5);
    const r = gradcheck(
      ([xi, wi, bi]) => project(ops.conv2d(xi!, wi!, bi!, g)),
      [param([2, channels, 5, 5]), param([3, channels, kh, kw]), param([3])],
    );
    expect(r.ok, r.message).toBe(true);
  });

  it.each(sides)('convTranspose2d matches a direct transposed convolution and finite differences (%s)', (_name, channels) => {
    const [kh, kw] = channels === 4 ? [2, 2] : [3, 3];
    const x = param([3, 5, 4, 3]);
    const w = param([5, channels, kh, kw]);
    const b = param([channels]);
    const ref = directConvTranspose(x, w, b, g, [1, 1]);
    expectAllClose(ops.convTranspose2d(x, w, b, { ...g, outputPadding: 1 }).data, ref.data, 1e-5, 1e-5);
    const inputs = [param([2, 3, 3, 3]), param([3, channels, kh, kw]), param([channels])];
    const r = gradcheck(([xi, wi, bi]) => project(ops.convTranspose2d(xi!, wi!, bi!, { ...g, outputPadding: 1 })), inputs);
    expect(r.ok, r.message).toBe(true);
  });
});
