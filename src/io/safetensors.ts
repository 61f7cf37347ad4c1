/**
 * The safetensors byte format (https://github.com/huggingface/safetensors), browser-safe.
 *
 * Layout: an 8-byte little-endian u64 header length N, then N bytes of UTF-8 JSON, then the tensor
 * data. The JSON maps each tensor name to `{dtype, shape, data_offsets: [begin, end]}` with offsets
 * relative to the first byte after the header, plus an optional `__metadata__` map of
 * string → string. Data is little-endian, row-major ("C" order).
 *
 * Invariants kept by the encoder: the header is padded with spaces to a multiple of 8 bytes, so the
 * data section starts 8-byte aligned; tensors are laid out back to back in the order given, with no
 * holes. The decoder trusts nothing and applies the reference implementation's rules before any
 * data is read: header length within the file and at most 100 MB, UTF-8 JSON with no key twice,
 * byte spans equal to dtype size × shape, and tensors covering the data section exactly (no holes,
 * overlaps or trailing bytes). Every complaint names the source and the tensor.
 */

import { LatentError } from '../errors.js';
import { findDuplicateKey } from './json-duplicates.js';

/** Element types the decoder reads (all converted to float32). The encoder writes F32 only. */
export const SAFETENSORS_DTYPES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
} as const satisfies Record<string, number>;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** A tensor to write: `data.length` must equal the product of `shape`. */
export interface SafetensorsTensorInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A tensor read back; `dtype` is the type it had in the file before conversion to float32. */
export interface SafetensorsTensor {
  readonly shape: number[];
  readonly data: Float32Array;
  readonly dtype: SafetensorsDtype;
}

export interface DecodedSafetensors {
  /** Tensors in the order their data appears in the file. */
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';
/** Same limit as the reference implementation: a larger header is a corrupt or hostile file. */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Serialise float32 tensors and string metadata into safetensors bytes.
 *
 * @example
 * const bytes = encodeSafetensors([{ name: 'encoder.0.weight', shape: [2, 3], data }], { note: 'hi' });
 * decodeSafetensors(bytes, 'memory').tensors.get('encoder.0.weight')?.shape; // [2, 3]
 */
export function encodeSafetensors(
  tensors: ReadonlyArray<SafetensorsTensorInput>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new LatentError(
        `safetensors metadata "${key}" must be a string, got ${typeof value}`,
        'JSON-encode non-string metadata values before saving',
      );
    }
    meta[key] = value;
  }
  if (Object.keys(meta).length > 0) header[METADATA_KEY] = meta;

  let offset = 0;
  const seen = new Set<string>();
  for (const tensor of tensors) {
    checkTensorInput(tensor, seen);
    const byteLength = tensor.data.length * 4;
    header[tensor.name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);

  let position = 8 + headerLength;
  for (const tensor of tensors) {
    writeFloat32(out, view, position, tensor.data);
    position += tensor.data.length * 4;
  }
  return out;
}

function checkTensorInput(tensor: SafetensorsTensorInput, seen: Set<string>): void {
  const { name, shape, data } = tensor;
  if (name.length === 0 || name === METADATA_KEY) {
    throw new LatentError(`cannot save a tensor named "${name}"`, 'tensor names must be non-empty and not "__metadata__"');
  }
  if (seen.has(name)) throw new LatentError(`tensor "${name}" appears twice`, 'give every tensor a unique name');
  seen.add(name);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new LatentError(`tensor "${name}" has an invalid shape [${shape.join(', ')}]`, 'dimensions must be non-negative integers');
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new LatentError(
      `tensor "${name}" has shape [${shape.join(', ')}] (${size} values) but ${data.length} values`,
      'pass data whose length is the product of the shape',
    );
  }
}

function writeFloat32(out: Uint8Array, view: DataView, position: number, data: Float32Array): void {
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    return;
  }
  for (let i = 0; i < data.length; i++) view.setFloat32(position + 4 * i, data[i], true);
}

/**
 * Parse safetensors bytes; every tensor is converted to float32.
 *
 * @param source - a file name or label used in error messages.
 * @example
 * const { tensors, metadata } = decodeSafetensors(readFileSync('model.safetensors'), 'model.safetensors');
 * tensors.get('encoder.0.bias')?.data; // Float32Array
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): DecodedSafetensors {
  const truncatedHint = 'the file is empty, truncated or not a safetensors file; save or download it again';
  if (bytes.length < 8) {
    throw new LatentError(`${source} is too short to be a safetensors file (${bytes.length} bytes, at least 8 needed)`, truncatedHint);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    // A real header length is small, so its high bytes are zero; eight printable bytes mean text.
    const start = bytes.subarray(0, 8);
    if (start.every((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d)) {
      const opening = new TextDecoder().decode(bytes.subarray(0, 24)).split(/\r?\n/)[0];
      throw new LatentError(
        `${source} is a text file (it starts with "${opening}"), not a safetensors model`,
        'pass the model file written by latent train (.safetensors); data files go in the DATA argument',
      );
    }
    throw new LatentError(
      `${source}: the safetensors header length (${headerLength} bytes) runs past the end of the file (${bytes.length} bytes)`,
      truncatedHint,
    );
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new LatentError(
      `${source}: the safetensors header is ${headerLength} bytes, more than the ${MAX_HEADER_BYTES} allowed`,
      truncatedHint,
    );
  }
  const dataStart = 8 + Number(headerLength);
  const header = parseHeader(bytes.subarray(8, dataStart), source);
  const dataLength = bytes.length - dataStart;

  const metadata = readMetadata(header[METADATA_KEY], source);
  const entries: Array<{ name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }> = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    entries.push({ name, ...readEntry(name, value, source) });
  }
  checkLayout(entries, dataLength, source);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of entries) {
    const data = convert(bytes, dataStart + entry.begin, entry.end - entry.begin, entry.dtype);
    tensors.set(entry.name, { shape: entry.shape, data, dtype: entry.dtype });
  }
  return { tensors, metadata };
}

/**
 * The reference implementation's layout rule: sorted by offset, the tensors cover the data
 * section exactly, back to back from byte 0 to its last byte. A hole, an overlap, missing bytes
 * or bytes after the last tensor all mean the header and the data disagree (a header length
 * changed by one byte shifts every weight), so the file is refused rather than read askew.
 * Sorts `entries` by offset in place.
 */
function checkLayout(entries: Array<{ name: string; begin: number; end: number }>, dataLength: number, source: string): void {
  const damaged = 'the file is damaged (the header and the tensor data disagree); save or download it again';
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: { name: string; begin: number; end: number } | undefined;
  for (const entry of entries) {
    if (entry.begin < covered && previous !== undefined) {
      throw new LatentError(
        `${source}: tensors "${previous.name}" (bytes ${previous.begin}..${previous.end}) and "${entry.name}" (bytes ${entry.begin}..${entry.end}) overlap`,
        damaged,
      );
    }
    if (entry.begin > covered) {
      throw new LatentError(
        `${source}: bytes ${covered}..${entry.begin} of the data section belong to no tensor (the next tensor, "${entry.name}", starts at ${entry.begin})`,
        damaged,
      );
    }
    if (entry.end > dataLength) {
      throw new LatentError(
        `${source}: tensor "${entry.name}" needs bytes ${entry.begin}..${entry.end} of the data section, but the file holds only ${dataLength} bytes of tensor data`,
        'the file is empty, truncated or not a safetensors file; save or download it again',
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) {
    throw new LatentError(
      `${source}: the file has ${dataLength - covered} bytes after the last tensor's data (the tensors cover ${covered} of ${dataLength} bytes)`,
      damaged,
    );
  }
}

function parseHeader(headerBytes: Uint8Array, source: string): Record<string, unknown> {
  const hint = 'the file is corrupt or not a safetensors file';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new LatentError(`${source}: the safetensors header is not valid UTF-8`, hint);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(`${source}: the safetensors header is not valid JSON (${reason})`, hint);
  }
  if (!isRecord(parsed)) throw new LatentError(`${source}: the safetensors header is not a JSON object`, hint);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) {
    const where = duplicate.path.length === 0 ? 'the safetensors header' : `"${duplicate.path.join('" → "')}" in the safetensors header`;
    throw new LatentError(
      `${source}: ${where} names "${duplicate.key}" twice`,
      'the file is damaged or was edited by hand; every tensor and metadata key must appear once',
    );
  }
  return parsed;
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (value === undefined || value === null) return metadata;
  if (!isRecord(value)) {
    throw new LatentError(`${source}: "__metadata__" is not a map of strings`, 'the file is corrupt; save it again');
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new LatentError(`${source}: "__metadata__" entry "${key}" is not a string`, 'safetensors metadata values must be strings');
    }
    metadata[key] = item;
  }
  return metadata;
}

function readEntry(name: string, value: unknown, source: string): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  const where = `${source}: tensor "${name}"`;
  const corrupt = 'the file is corrupt; save it again';
  if (!isRecord(value)) throw new LatentError(`${where} has no {dtype, shape, data_offsets} entry in the header`, corrupt);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !isDtype(dtype)) {
    throw new LatentError(
      `${where} has dtype ${JSON.stringify(dtype)}, which latent cannot read`,
      `supported dtypes: ${Object.keys(SAFETENSORS_DTYPES).join(', ')}; convert the tensor (e.g. to float32) before loading`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new LatentError(`${where} has an invalid shape ${JSON.stringify(shape)}`, corrupt);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new LatentError(
      `${where} has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end] with 0 <= begin <= end)`,
      corrupt,
    );
  }
  const [begin, end] = offsets as [number, number];
  const dims = shape as number[];
  // Exact arithmetic: a shape whose byte size passes 2^53 must not round onto the stored span.
  const expectedBig = dims.reduce((a, b) => a * BigInt(b), 1n) * BigInt(SAFETENSORS_DTYPES[dtype]);
  const expected = expectedBig <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(expectedBig) : Infinity;
  if (end - begin !== expected) {
    throw new LatentError(
      `${where}: shape [${dims.join(', ')}] of ${dtype} needs ${expectedBig} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}`,
      corrupt,
    );
  }
  return { dtype, shape: dims, begin, end };
}

/** Convert `byteLength` bytes at `start` from `dtype` to a fresh float32 array. */
function convert(bytes: Uint8Array, start: number, byteLength: number, dtype: SafetensorsDtype): Float32Array {
  const count = byteLength / SAFETENSORS_DTYPES[dtype];
  if (dtype === 'F32' && LITTLE_ENDIAN_HOST) {
    // Copy first: the source offset need not be 4-byte aligned, and the result must not alias the file.
    return new Float32Array(bytes.slice(start, start + byteLength).buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, byteLength);
  const out = new Float32Array(count);
  const read = READERS[dtype];
  for (let i = 0; i < count; i++) out[i] = read(view, i);
  return out;
}

const READERS: Record<SafetensorsDtype, (view: DataView, i: number) => number> = {
  F64: (v, i) => v.getFloat64(8 * i, true),
  F32: (v, i) => v.getFloat32(4 * i, true),
  F16: (v, i) => halfToFloat(v.getUint16(2 * i, true)),
  BF16: (v, i) => bfloat16ToFloat(v.getUint16(2 * i, true)),
  I64: (v, i) => Number(v.getBigInt64(8 * i, true)),
  I32: (v, i) => v.getInt32(4 * i, true),
  I16: (v, i) => v.getInt16(2 * i, true),
  I8: (v, i) => v.getInt8(i),
  U8: (v, i) => v.getUint8(i),
  BOOL: (v, i) => (v.getUint8(i) === 0 ? 0 : 1),
};

/** IEEE 754 binary16 bits → number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bfloatScratch = new DataView(new ArrayBuffer(4));

/** bfloat16 bits → number: bfloat16 is the top half of a float32. */
export function bfloat16ToFloat(bits: number): number {
  bfloatScratch.setUint32(0, bits << 16);
  return bfloatScratch.getFloat32(0);
}

function isDtype(value: string): value is SafetensorsDtype {
  return Object.hasOwn(SAFETENSORS_DTYPES, value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
