import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { bfloat16ToFloat, decodeSafetensors, encodeSafetensors, halfToFloat } from './safetensors.js';

/** Build safetensors bytes by hand, so tests can write headers the encoder never would. */
function raw(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function bytesOf(array: Float64Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function expectLatentError(run: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(LatentError);
  const message = (caught as LatentError).message;
  for (const fragment of fragments) expect(message).toContain(fragment);
  expect((caught as LatentError).hint).toBeTruthy();
}

describe('encodeSafetensors / decodeSafetensors', () => {
  const tensors = [
    { name: 'encoder.0.weight', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-7, -1e30]) },
    { name: 'encoder.0.bias', shape: [2], data: new Float32Array([0.25, -0.125]) },
    { name: 'scalar', shape: [], data: new Float32Array([42]) },
    { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
  ];

  it('round-trips several tensors and metadata exactly', () => {
    const bytes = encodeSafetensors(tensors, { format: 'latent', note: 'ünïcode ✓' });
    const decoded = decodeSafetensors(bytes, 'memory');
    expect(decoded.metadata).toEqual({ format: 'latent', note: 'ünïcode ✓' });
    expect([...decoded.tensors.keys()]).toEqual(tensors.map((t) => t.name));
    for (const tensor of tensors) {
      const got = decoded.tensors.get(tensor.name);
      expect(got?.shape).toEqual(tensor.shape);
      expect(got?.dtype).toBe('F32');
      expect(Array.from(got?.data ?? [])).toEqual(Array.from(tensor.data));
    }
  });

  it('writes the documented layout: u64 length, space-padded JSON to a multiple of 8, data in order', () => {
    const bytes = encodeSafetensors(tensors.slice(0, 2), { a: 'b' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(text.trimEnd().length).toBeLessThanOrEqual(headerLength);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const header = JSON.parse(text) as Record<string, { data_offsets?: number[]; dtype?: string }>;
    expect(header.__metadata__).toEqual({ a: 'b' });
    expect(header['encoder.0.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['encoder.0.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [24, 32] });
    expect(bytes.length).toBe(8 + headerLength + 32);
    // Little-endian float32 of 1.0 is 00 00 80 3f.
    expect(Array.from(bytes.subarray(8 + headerLength, 8 + headerLength + 4))).toEqual([0, 0, 0x80, 0x3f]);
  });

  it('omits __metadata__ when there is none and reads a file without it', () => {
    const bytes = encodeSafetensors([tensors[1]], {});
    expect(new TextDecoder().decode(bytes)).not.toContain('__metadata__');
    expect(decodeSafetensors(bytes, 'm').metadata).toEqual({});
  });

  it('reads data from a Uint8Array that is a view at an odd offset', () => {
    const bytes = encodeSafetensors(tensors.slice(0, 2), {});
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const decoded = decodeSafetensors(padded.subarray(3), 'view');
    expect(Array.from(decoded.tensors.get('encoder.0.bias')?.data ?? [])).toEqual([0.25, -0.125]);
  });

  it('returns tensors in data order and copies (no aliasing of the input bytes)', () => {
    const bytes = encodeSafetensors(tensors.slice(0, 2), {});
    const decoded = decodeSafetensors(bytes, 'm');
    expect([...decoded.tensors.keys()]).toEqual(['encoder.0.weight', 'encoder.0.bias']);
    bytes.fill(0);
    expect(decoded.tensors.get('encoder.0.weight')?.data[0]).toBe(1);
  });

  it('rejects bad inputs to the encoder', () => {
    expectLatentError(() => encodeSafetensors([{ name: 'w', shape: [2, 2], data: new Float32Array(3) }], {}), '"w"', '[2, 2]');
    expectLatentError(
      () =>
        encodeSafetensors(
          [
            { name: 'w', shape: [1], data: new Float32Array(1) },
            { name: 'w', shape: [1], data: new Float32Array(1) },
          ],
          {},
        ),
      '"w" appears twice',
    );
    expectLatentError(() => encodeSafetensors([{ name: '__metadata__', shape: [1], data: new Float32Array(1) }], {}), '__metadata__');
    expectLatentError(() => encodeSafetensors([{ name: 'w', shape: [1.5], data: new Float32Array(1) }], {}), 'invalid shape');
  });
});

describe('decodeSafetensors on corrupt files', () => {
  const f32 = bytesOf(new Uint8Array(new Float32Array([1, 2]).buffer));
  const good = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

  it('rejects a file shorter than 8 bytes', () => {
    expectLatentError(() => decodeSafetensors(new Uint8Array(0), 'empty.safetensors'), 'empty.safetensors', 'too short', '0 bytes');
    expectLatentError(() => decodeSafetensors(new Uint8Array(5), 'five.safetensors'), 'five.safetensors', '5 bytes');
  });

  it('rejects a header length past the end of the file', () => {
    expectLatentError(() => decodeSafetensors(raw(good, f32, 10_000), 'x.safetensors'), 'x.safetensors', '10000', 'past the end');
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 0xffffffffffffffffn, true);
    expectLatentError(() => decodeSafetensors(huge, 'huge'), 'huge', 'past the end');
  });

  it('rejects a header that is not JSON, not UTF-8 or not an object', () => {
    expectLatentError(() => decodeSafetensors(raw('{"w": {', f32), 'bad.json'), 'bad.json', 'not valid JSON');
    expectLatentError(() => decodeSafetensors(raw('[1, 2]', f32), 'arr'), 'arr', 'not a JSON object');
    const invalid = raw('{}');
    invalid[8] = 0xff;
    expectLatentError(() => decodeSafetensors(invalid, 'bin'), 'bin', 'UTF-8');
  });

  it('rejects offsets that are out of range or inconsistent with the shape', () => {
    expectLatentError(
      () => decodeSafetensors(raw({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, f32), 'o'),
      'tensor "w"',
      'invalid data_offsets',
    );
    expectLatentError(
      () => decodeSafetensors(raw({ w: { dtype: 'F32', shape: [2], data_offsets: [-4, 4] } }, f32), 'o'),
      'tensor "w"',
      'invalid data_offsets',
    );
    expectLatentError(
      () => decodeSafetensors(raw({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32), 'o.safetensors'),
      'o.safetensors',
      'tensor "w"',
      'needs 12 bytes',
      'span 8',
    );
    expectLatentError(
      () => decodeSafetensors(raw({ w: { dtype: 'F32', shape: 'x', data_offsets: [0, 8] } }, f32), 'o'),
      'tensor "w"',
      'invalid shape',
    );
    expectLatentError(() => decodeSafetensors(raw({ w: 3 }, f32), 'o'), 'tensor "w"');
  });

  it('rejects overlapping tensors', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
    };
    expectLatentError(() => decodeSafetensors(raw(header, f32), 'ov'), 'ov', '"a"', '"b"', 'overlap');
  });

  it('rejects truncated data, naming the tensor', () => {
    const bytes = encodeSafetensors([{ name: 'decoder.2.weight', shape: [4, 4], data: new Float32Array(16) }], {});
    expectLatentError(
      () => decodeSafetensors(bytes.subarray(0, bytes.length - 1), 'cut.safetensors'),
      'cut.safetensors',
      'tensor "decoder.2.weight"',
      '63 bytes',
    );
  });

  it('rejects an unknown dtype, naming it and the tensor', () => {
    expectLatentError(
      () => decodeSafetensors(raw({ q: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }, f32), 'q.safetensors'),
      'q.safetensors',
      'tensor "q"',
      'F8_E4M3',
    );
  });

  it('rejects metadata that is not a string map', () => {
    expectLatentError(() => decodeSafetensors(raw({ __metadata__: { a: 1 }, ...good }, f32), 'm'), '"a" is not a string');
    expectLatentError(() => decodeSafetensors(raw({ __metadata__: [1], ...good }, f32), 'm'), '__metadata__');
  });
});

describe('dtype conversion to float32', () => {
  it('decodes F16 against known bit patterns', () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x3555, 0x8000, 0x0400]);
    const bytes = raw({ h: { dtype: 'F16', shape: [3, 3], data_offsets: [0, 18] } }, bytesOf(bits));
    const t = decodeSafetensors(bytes, 'f16').tensors.get('h');
    expect(t?.dtype).toBe('F16');
    expect(t?.shape).toEqual([3, 3]);
    const d = Array.from(t?.data ?? []);
    expect(d.slice(0, 3)).toEqual([1, -2, 65504]);
    expect(d[3]).toBe(Math.fround(2 ** -24));
    expect(d[4]).toBe(Infinity);
    expect(d[5]).toBe(-Infinity);
    expect(d[6]).toBe(Math.fround(0.333251953125));
    expect(Object.is(d[7], -0)).toBe(true);
    expect(d[8]).toBe(Math.fround(2 ** -14));
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });

  it('decodes BF16 against known bit patterns', () => {
    const bits = new Uint16Array([0x3f80, 0xc040, 0x4049, 0x7f80, 0x0000]);
    const bytes = raw({ b: { dtype: 'BF16', shape: [5], data_offsets: [0, 10] } }, bytesOf(bits));
    expect(Array.from(decodeSafetensors(bytes, 'bf16').tensors.get('b')?.data ?? [])).toEqual([1, -3, 3.140625, Infinity, 0]);
    expect(bfloat16ToFloat(0xbf80)).toBe(-1);
  });

  it('decodes F64 by rounding to float32', () => {
    const values = new Float64Array([0.1, -2.5, 1e300, 1 / 3]);
    const bytes = raw({ d: { dtype: 'F64', shape: [2, 2], data_offsets: [0, 32] } }, bytesOf(values));
    expect(Array.from(decodeSafetensors(bytes, 'f64').tensors.get('d')?.data ?? [])).toEqual([
      Math.fround(0.1),
      -2.5,
      Infinity,
      Math.fround(1 / 3),
    ]);
  });

  it('decodes integer dtypes', () => {
    const i64 = bytesOf(new BigInt64Array([-3n, 7n]));
    const i32 = bytesOf(new Int32Array([-100000, 5]));
    const u8 = new Uint8Array([0, 255, 1, 0]);
    const header = {
      a: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
      b: { dtype: 'I32', shape: [2], data_offsets: [16, 24] },
      c: { dtype: 'U8', shape: [2], data_offsets: [24, 26] },
      d: { dtype: 'BOOL', shape: [2], data_offsets: [26, 28] },
    };
    const data = new Uint8Array(28);
    data.set(i64, 0);
    data.set(i32, 16);
    data.set(u8, 24);
    const decoded = decodeSafetensors(raw(header, data), 'ints').tensors;
    expect(Array.from(decoded.get('a')?.data ?? [])).toEqual([-3, 7]);
    expect(Array.from(decoded.get('b')?.data ?? [])).toEqual([-100000, 5]);
    expect(Array.from(decoded.get('c')?.data ?? [])).toEqual([0, 255]);
    expect(Array.from(decoded.get('d')?.data ?? [])).toEqual([1, 0]);
  });
});
