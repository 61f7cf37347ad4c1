/**
 * Test helpers: build NPY files byte by byte (any version, dtype, byte order and memory order),
 * independent of `encodeNpy`, so parser tests do not check the writer against itself.
 */

export interface NpyParts {
  readonly descr: string;
  readonly shape: readonly number[];
  readonly fortran?: boolean;
  readonly version?: 1 | 2 | 3;
  readonly body: Uint8Array;
  /** Replace the generated header dict text. */
  readonly headerText?: string;
}

/** Assemble an NPY file from a header description and raw element bytes. */
export function buildNpy(parts: NpyParts): Uint8Array {
  const version = parts.version ?? 1;
  const shape = parts.shape.length === 1 ? `(${parts.shape[0]},)` : `(${parts.shape.join(', ')})`;
  const dict =
    parts.headerText ?? `{'descr': '${parts.descr}', 'fortran_order': ${parts.fortran === true ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const prefix = version === 1 ? 10 : 12;
  const unpadded = prefix + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const header = dict + ' '.repeat(total - unpadded) + '\n';
  const out = new Uint8Array(total + parts.body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(parts.body, total);
  return out;
}

type Kind = 'f2' | 'f4' | 'f8' | 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'b1';

const SIZES: Record<Kind, number> = { f2: 2, f4: 4, f8: 8, i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, b1: 1 };

/** Encode `values` as elements of `kind` in the given byte order. f2 only takes exactly representable values. */
export function elementBytes(kind: Kind, values: readonly number[], littleEndian = true): Uint8Array {
  const size = SIZES[kind];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    switch (kind) {
      case 'f2':
        view.setUint16(at, floatToHalf(v), littleEndian);
        break;
      case 'f4':
        view.setFloat32(at, v, littleEndian);
        break;
      case 'f8':
        view.setFloat64(at, v, littleEndian);
        break;
      case 'i1':
        view.setInt8(at, v);
        break;
      case 'u1':
      case 'b1':
        view.setUint8(at, v);
        break;
      case 'i2':
        view.setInt16(at, v, littleEndian);
        break;
      case 'u2':
        view.setUint16(at, v, littleEndian);
        break;
      case 'i4':
        view.setInt32(at, v, littleEndian);
        break;
      case 'u4':
        view.setUint32(at, v, littleEndian);
        break;
      case 'i8':
        view.setBigInt64(at, BigInt(v), littleEndian);
        break;
      case 'u8':
        view.setBigUint64(at, BigInt(v), littleEndian);
        break;
    }
  });
  return out;
}

// Enough of binary16 for test values: normal numbers with at most 10 fraction bits, ±0, ±Infinity, NaN.
function floatToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  const exponent = Math.floor(Math.log2(a));
  const fraction = Math.round((a / 2 ** exponent - 1) * 1024);
  return sign | ((exponent + 15) << 10) | fraction;
}
