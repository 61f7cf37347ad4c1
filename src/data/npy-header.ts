/**
 * The header of an `.npy` file, parsed as the Python literal it is (browser-safe).
 *
 * Layout (numpy/lib/format.py): magic `\x93NUMPY`, major and minor version bytes, the header
 * length as uint16 (v1) or uint32 (v2, v3) little-endian, then the header: the repr of a dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended by
 * `\n`. NumPy reads it with `ast.literal_eval`; here a small strict parser reads the same grammar
 * subset (strings, True/False/None, integers, tuples, lists, dicts) so the file is read exactly as
 * NumPy reads it or refused: each of the three keys exactly once and no other, values of the
 * right type (a tuple of non-negative integers for the shape, a bool for fortran_order), the
 * closing brace present, and only whitespace after it.
 *
 * Exported on its own so readers that take a file in byte ranges can parse the header from the
 * first bytes and compute where each row lies.
 */

import { LatentError } from '../errors.js';

/** NumPy's default limit on the header text (format.py `_MAX_HEADER_SIZE`); larger headers are refused. */
export const NPY_MAX_HEADER_TEXT = 10_000;
/** Bytes that always hold the whole header of an accepted file: preamble plus the maximum text. */
export const NPY_MAX_HEADER_BYTES = 12 + NPY_MAX_HEADER_TEXT;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const SUPPORTED = 'f2 f4 f8, i1 i2 i4 i8, u1 u2 u4 u8 and b1 (either byte order)';

export interface NpyDtype {
  readonly kind: 'f' | 'i' | 'u' | 'b';
  /** Bytes per element. */
  readonly size: number;
  readonly littleEndian: boolean;
}

export interface NpyHeader {
  /** The dtype string as written (`<f4`, `|u1`, ...). */
  readonly descr: string;
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** Bytes before the array data (preamble plus header text): where the data starts. */
  readonly headerLength: number;
  /** Bytes of array data the header declares (elements × element size; may exceed 2^53 for absurd shapes). */
  readonly dataLength: number;
  /** Format version as [major, minor]. */
  readonly version: readonly [number, number];
}

/**
 * Parse the header of `.npy` bytes (the whole file or at least its first `headerLength` bytes).
 *
 * @example
 * const { shape, dtype, headerLength } = parseNpyHeader(bytes, 'x.npy'); // shape [100, 3], data from headerLength
 */
export function parseNpyHeader(bytes: Uint8Array, source = 'NPY data'): NpyHeader {
  const fail = (what: string): never => {
    throw new LatentError(`${source}: not a valid NPY file: ${what}`, 'save the array with numpy.save (an .npy file) or pass a CSV file');
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('it does not start with the \\x93NUMPY magic');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (minor !== 0) fail(`format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let textLength: number;
  let textStart: number;
  if (major === 1) {
    textLength = view.getUint16(8, true);
    textStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('the header is truncated');
    textLength = view.getUint32(8, true);
    textStart = 12;
  } else {
    return fail(`format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  if (textLength > NPY_MAX_HEADER_TEXT) {
    fail(`the header is ${textLength} bytes, more than the ${NPY_MAX_HEADER_TEXT} NumPy reads without allow_pickle`);
  }
  const headerLength = textStart + textLength;
  if (bytes.length < headerLength) fail(`the header is truncated (needs ${headerLength} bytes, the file holds ${bytes.length})`);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(textStart, headerLength));
  } catch {
    return fail('the header is not valid UTF-8');
  }
  const dict = parseHeaderDict(text, major <= 2, fail, source);
  const dtype = parseDtype(dict.descr, source);
  let elements = 1;
  for (const d of dict.shape) elements *= d;
  return {
    descr: dict.descr,
    dtype,
    shape: dict.shape,
    fortranOrder: dict.fortranOrder,
    headerLength,
    dataLength: elements * dtype.size,
    version: [major, minor],
  };
}

/**
 * Bytes before the array data, read from the preamble alone: undefined while `prefix` is too
 * short to tell (fewer than 12 bytes). Does not check the magic; `parseNpyHeader` does.
 *
 * @example
 * const need = npyHeaderLength(firstBytes); // read this many bytes, then parseNpyHeader them
 */
export function npyHeaderLength(prefix: Uint8Array): number | undefined {
  if (prefix.length < 12) return undefined;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  return prefix[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
}

/** A Python literal value of the subset NPY headers use. */
type PyValue = string | boolean | null | bigint | PyTuple | PyValue[] | Map<string, PyValue>;
class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

const KEYS = ['descr', 'fortran_order', 'shape'] as const;

function parseHeaderDict(
  text: string,
  allowLongSuffix: boolean,
  fail: (what: string) => never,
  source: string,
): { descr: string; fortranOrder: boolean; shape: number[] } {
  const parser = new LiteralParser(text, allowLongSuffix, fail);
  const value = parser.parseTop();
  if (!(value instanceof Map)) return fail(`the header is not a dict: ${JSON.stringify(text.trim().slice(0, 80))}`);
  const keys = [...value.keys()];
  const missing = KEYS.filter((k) => !value.has(k));
  const extra = keys.filter((k) => !(KEYS as readonly string[]).includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `lacks ${missing.join(', ')}` : '',
      extra.length > 0 ? `has unexpected keys ${extra.join(', ')}` : '',
    ];
    fail(`the header ${parts.filter(Boolean).join(' and ')} (it must hold exactly descr, fortran_order and shape)`);
  }
  const descr = value.get('descr');
  if (Array.isArray(descr)) {
    throw new LatentError(
      `${source}: structured (record) arrays are not supported`,
      'save a plain numeric array, e.g. numpy.save(path, table.astype("float32"))',
    );
  }
  if (typeof descr !== 'string') return fail(`"descr" is not a string`);
  const fortran = value.get('fortran_order');
  if (typeof fortran !== 'boolean') return fail(`"fortran_order" is not True or False`);
  const shapeValue = value.get('shape');
  if (!(shapeValue instanceof PyTuple)) return fail(`"shape" is not a tuple`);
  const shape = shapeValue.items.map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`"shape" holds ${describe(d)}, not a size`);
    return Number(d);
  });
  return { descr, fortranOrder: fortran, shape };
}

function describe(value: PyValue): string {
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return typeof value === 'object' && value !== null ? value.constructor.name.toLowerCase() : String(value);
}

/** A recursive-descent parser of Python literals over the header text. */
class LiteralParser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly allowLongSuffix: boolean,
    private readonly fail: (what: string) => never,
  ) {}

  parseTop(): PyValue {
    this.skipSpace();
    const value = this.parseValue(0);
    this.skipSpace();
    if (this.at !== this.text.length) {
      this.fail(
        `unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 20))} after the header dict (only spaces and a newline may follow it)`,
      );
    }
    return value;
  }

  private parseValue(depth: number): PyValue {
    if (depth > 16) this.fail('the header nests too deeply');
    this.skipSpace();
    const ch = this.text[this.at];
    if (ch === undefined) return this.fail('the header ends early (is the closing brace missing?)');
    if (ch === '{') return this.parseDict(depth);
    if (ch === '(') return this.parseSequence(')', depth);
    if (ch === '[') return this.parseSequence(']', depth);
    if (ch === "'" || ch === '"') return this.parseString();
    if (/[0-9+-]/.test(ch)) return this.parseInt();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.text.startsWith(word, this.at) && !/[A-Za-z0-9_]/.test(this.text[this.at + word.length] ?? '')) {
        this.at += word.length;
        return value;
      }
    }
    return this.fail(`unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 20))} in the header`);
  }

  private parseDict(depth: number): Map<string, PyValue> {
    this.at++; // {
    const out = new Map<string, PyValue>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === '}') {
        this.at++;
        return out;
      }
      const key = this.parseValue(depth + 1);
      if (typeof key !== 'string') this.fail(`a header key is ${describe(key)}, not a string`);
      if (out.has(key)) this.fail(`the header names '${key}' twice`);
      this.expect(':');
      out.set(key, this.parseValue(depth + 1));
      if (!this.separator('}')) {
        this.at++;
        return out;
      }
    }
  }

  /** A tuple `( … )` or list `[ … ]`; `(x)` without a comma is just x, as in Python. */
  private parseSequence(close: ')' | ']', depth: number): PyValue {
    this.at++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === close) {
        this.at++;
        break;
      }
      items.push(this.parseValue(depth + 1));
      const more = this.separator(close);
      if (more) sawComma = true;
      else {
        this.at++;
        break;
      }
    }
    if (close === ']') return items;
    if (items.length === 1 && !sawComma) return items[0]!;
    return new PyTuple(items);
  }

  /** After an item: true after a comma (more may follow), false at the closing bracket (not consumed). */
  private separator(close: string): boolean {
    this.skipSpace();
    const ch = this.text[this.at];
    if (ch === ',') {
      this.at++;
      return true;
    }
    if (ch === close) return false;
    return this.fail(
      ch === undefined
        ? `the header ends before its closing '${close}'`
        : `expected ',' or '${close}' in the header, found ${JSON.stringify(ch)}`,
    );
  }

  private parseString(): string {
    const quote = this.text[this.at]!;
    let out = '';
    this.at++;
    for (;;) {
      const ch = this.text[this.at];
      if (ch === undefined || ch === '\n') return this.fail('a string in the header is not closed');
      this.at++;
      if (ch === quote) return out;
      if (ch === '\\') {
        const next = this.text[this.at];
        if (next !== '\\' && next !== "'" && next !== '"') this.fail('the header uses a string escape NPY headers never hold');
        out += next;
        this.at++;
      } else {
        out += ch;
      }
    }
  }

  private parseInt(): bigint {
    const match = /^[+-]?\d+/.exec(this.text.slice(this.at, this.at + 40));
    if (match === null) return this.fail(`unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 20))} in the header`);
    this.at += match[0].length;
    // Python 3 refuses decimal literals with leading zeros (01), except zero itself (00).
    const digits = match[0].replace(/^[+-]/, '');
    if (digits.length > 1 && digits.startsWith('0') && /[1-9]/.test(digits))
      this.fail(`the number ${match[0]} in the header has a leading zero`);
    // Python 2 wrote longs as 3L; NumPy still reads that in version 1 and 2 headers.
    if (this.allowLongSuffix && this.text[this.at] === 'L') this.at++;
    if (/[A-Za-z0-9_.]/.test(this.text[this.at] ?? ''))
      this.fail(`the number ${match[0]} in the header is followed by ${JSON.stringify(this.text[this.at])}`);
    return BigInt(match[0]);
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.at] !== ch) this.fail(`expected '${ch}' in the header, found ${JSON.stringify(this.text[this.at] ?? 'the end')}`);
    this.at++;
  }

  private skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r\f'.includes(this.text[this.at]!)) this.at++;
  }
}

/** The dtype of a `descr` string, or a LatentError naming what is supported. */
export function parseDtype(descr: string, source: string): NpyDtype {
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  const order = m?.[1] ?? '';
  const kind = m?.[2];
  const size = Number(m?.[3]);
  const valid =
    (kind === 'f' && (size === 2 || size === 4 || size === 8)) ||
    ((kind === 'i' || kind === 'u') && (size === 1 || size === 2 || size === 4 || size === 8)) ||
    (kind === 'b' && size === 1);
  if (!valid || (kind !== 'f' && kind !== 'i' && kind !== 'u' && kind !== 'b')) {
    throw new LatentError(
      `${source}: unsupported dtype ${descr}; supported are ${SUPPORTED}`,
      'convert the array first, e.g. numpy.save(path, x.astype("float32"))',
    );
  }
  // '=' is native order; NumPy only writes it for hosts that match, and every host we run on is little-endian.
  return { kind, size, littleEndian: order !== '>' };
}
