/**
 * Fuzzing of every file loader (Node, tests and benchmarks only): valid files of each format are
 * damaged at random (bit flips, truncations, inserted and deleted bytes, edits of the header
 * text, appended bytes) and handed to the loader. A loader passes when every damaged file is
 * either refused with the library's own LatentError or accepted only if it obeys the format's
 * structural rules as the reference implementation states them (checked here independently of
 * the loader: the safetensors layout rules of huggingface/safetensors; exact lengths for IDX).
 * Accepted NPY/NPZ files are also returned so a caller can load them with NumPy itself.
 *
 * Invariant: one seed gives the same cases in the same order.
 */

import { gzipSync, zipSync } from 'fflate';
import { parseCsv } from '../data/csv.js';
import { matrix } from '../data/matrix.js';
import { datasetFromArrays } from '../data/ndarray.js';
import { encodeNpy, parseNpy } from '../data/npy.js';
import { parseNpz } from '../data/npz.js';
import { parseIdx } from '../data/idx.js';
import { LatentError } from '../errors.js';
import { modelFromBytes, modelToBytes } from '../io/model-io.js';
import { buildModel } from '../models/build.js';
import { parseModelConfig } from '../models/config.js';
import { Rng } from '../tensor/rng.js';

export const FUZZ_FORMATS = ['safetensors', 'npy', 'npz', 'idx', 'csv'] as const;
export type FuzzFormat = (typeof FUZZ_FORMATS)[number];

/** A damaged file NumPy should be asked about: we accepted it, so NumPy must read the same shape. */
export interface AcceptedArrayFile {
  readonly format: 'npy' | 'npz';
  readonly bytes: Uint8Array;
  /** Array name → shape as latent read it (the NPY file's single array is named "arr"). */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
}

export interface FuzzReport {
  readonly cases: number;
  readonly refused: number;
  readonly accepted: number;
  /** Descriptions of cases that broke a rule: a foreign error, or acceptance of a malformed file. */
  readonly failures: string[];
  readonly acceptedArrays: AcceptedArrayFile[];
  /** The slowest single case, in milliseconds, with its format. */
  readonly slowest: { readonly ms: number; readonly format: FuzzFormat };
}

export interface FuzzOptions {
  readonly iterations: number;
  readonly seed: number;
  readonly formats?: readonly FuzzFormat[];
}

/**
 * Run `iterations` damaged files per format.
 *
 * @example
 * const report = fuzzLoaders({ iterations: 200, seed: 1 });
 * report.failures; // [] when every loader behaves
 */
export function fuzzLoaders(options: FuzzOptions): FuzzReport {
  const rng = new Rng(options.seed);
  const failures: string[] = [];
  const acceptedArrays: AcceptedArrayFile[] = [];
  let refused = 0;
  let accepted = 0;
  let slowest = { ms: 0, format: 'csv' as FuzzFormat };
  const formats = options.formats ?? FUZZ_FORMATS;
  for (const format of formats) {
    const seeds = seedFiles(format);
    for (let i = 0; i < options.iterations; i++) {
      const seed = seeds[rng.int(seeds.length)]!;
      const { bytes, how } = damage(format, seed, rng);
      const label = `${format} case ${i} (${how}, ${bytes.length} bytes)`;
      const start = performance.now();
      try {
        const problem = load(format, bytes, acceptedArrays);
        accepted++;
        if (problem !== null) failures.push(`${label}: accepted a file that ${problem}`);
      } catch (error) {
        refused++;
        if (!(error instanceof LatentError)) {
          const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          failures.push(`${label}: threw ${text.slice(0, 200)} instead of a LatentError`);
        }
      }
      const ms = performance.now() - start;
      if (ms > slowest.ms) slowest = { ms, format };
    }
  }
  return { cases: refused + accepted, refused, accepted, failures, acceptedArrays, slowest };
}

/** Load `bytes` as `format`; returns a broken rule when the accepted file breaks one, else null. */
function load(format: FuzzFormat, bytes: Uint8Array, acceptedArrays: AcceptedArrayFile[]): string | null {
  switch (format) {
    case 'safetensors': {
      const { model } = modelFromBytes(bytes, 'fuzz.safetensors');
      const broken = safetensorsRuleBroken(bytes);
      if (broken !== null) return broken;
      for (const [name, t] of model.stateDict()) if (t.data.some((v) => !Number.isFinite(v))) return `loads a non-finite ${name}`;
      return null;
    }
    case 'npy': {
      const array = parseNpy(bytes, 'fuzz.npy');
      acceptedArrays.push({ format, bytes, shapes: { arr: array.shape } });
      return array.matrix.rows * array.matrix.cols === array.shape.reduce((a, b) => a * b, 1) ? null : 'reads a matrix of the wrong size';
    }
    case 'npz': {
      const arrays = parseNpz(bytes, 'fuzz.npz');
      acceptedArrays.push({ format, bytes, shapes: Object.fromEntries([...arrays].map(([k, v]) => [k, v.shape])) });
      return null;
    }
    case 'idx': {
      const array = parseIdx(bytes, 'fuzz.idx');
      datasetFromArrays(array, 'fuzz.idx');
      return bytes[0] === 0x1f ? null : idxRuleBroken(bytes);
    }
    case 'csv': {
      const text = new TextDecoder('utf-8').decode(bytes);
      const ds = parseCsv(text, {}, 'fuzz.csv');
      return ds.x.data.every(Number.isFinite) ? null : 'holds non-finite values';
    }
  }
}

/**
 * The reference implementation's checks (safetensors read_metadata and Metadata::validate),
 * restated: header length ≤ 100 MB and within the file, UTF-8 JSON object, each entry with a
 * dtype, a shape of non-negative integers and two offsets, entries sorted by offset starting at 0
 * and back to back, byte spans equal to dtype size × shape, and the data section ending at the
 * last tensor's end. Returns the rule broken, or null.
 */
export function safetensorsRuleBroken(bytes: Uint8Array): string | null {
  const sizes: Record<string, number> = {
    BOOL: 1,
    U8: 1,
    I8: 1,
    I16: 2,
    U16: 2,
    F16: 2,
    BF16: 2,
    I32: 4,
    U32: 4,
    F32: 4,
    I64: 8,
    U64: 8,
    F64: 8,
  };
  if (bytes.length < 8) return 'is shorter than 8 bytes';
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > 100_000_000n) return 'has a header over 100 MB';
  if (8n + n > BigInt(bytes.length)) return 'has a header running past the end';
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n))));
  } catch {
    return 'has a header that is not UTF-8 JSON';
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return 'has a header that is not an object';
  const entries: Array<{ begin: number; end: number; size: bigint }> = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value as object).every((v) => typeof v === 'string')) {
        return 'has metadata that is not a map of strings';
      }
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || sizes[dtype] === undefined) return `has tensor ${name} of unknown dtype`;
    const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    if (!Array.isArray(shape) || !shape.every(isCount)) return `has tensor ${name} with a bad shape`;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) return `has tensor ${name} with bad offsets`;
    const size = shape.reduce((a: bigint, d: number) => a * BigInt(d), 1n) * BigInt(sizes[dtype]!);
    entries.push({ begin: offsets[0], end: offsets[1], size });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let start = 0;
  for (const e of entries) {
    if (e.begin !== start || e.end < e.begin) return 'has tensors that are not back to back from offset 0';
    if (BigInt(e.end - e.begin) !== e.size) return 'has a tensor whose span is not dtype size × shape';
    start = e.end;
  }
  if (8 + Number(n) + start !== bytes.length) return 'has a data section not exactly covered by its tensors';
  return null;
}

/** IDX: no dimension 0, and exactly the declared number of bytes. */
function idxRuleBroken(bytes: Uint8Array): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size: Record<number, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };
  const ndim = bytes[3]!;
  let count = 1;
  for (let k = 0; k < ndim; k++) count *= view.getUint32(4 + 4 * k, false);
  if (count === 0) return 'has a zero-length dimension';
  return 4 + 4 * ndim + count * size[bytes[2]!]! === bytes.length ? null : 'is not exactly as long as its header declares';
}

// ---- valid seed files ------------------------------------------------------------------------

function seedFiles(format: FuzzFormat): Uint8Array[] {
  const rng = new Rng(99);
  const values = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.round(rng.normal() * 100) / 100);
  switch (format) {
    case 'safetensors':
      return [
        { kind: 'dense', inputDim: 6, hidden: [4], latentDim: 2 },
        { kind: 'conv', height: 4, width: 4, convChannels: [2], latentDim: 3 },
      ].map((raw) => modelToBytes(buildModel(parseModelConfig(raw, 'seed'))));
    case 'npy':
      return [encodeNpy(matrix(values(12), 4, 3)), encodeNpy(matrix(values(5), 5, 1))];
    case 'npz': {
      const x = encodeNpy(matrix(values(12), 4, 3));
      const y = encodeNpy(matrix(values(4), 4, 1));
      return [zipSync({ 'X.npy': x, 'y.npy': y }, { level: 0 }), zipSync({ 'X.npy': x }, { level: 6 })];
    }
    case 'idx': {
      const plain = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6]);
      const floats = new Uint8Array(4 + 8 + 16);
      floats.set([0, 0, 0x0d, 2, 0, 0, 0, 2, 0, 0, 0, 2]);
      const view = new DataView(floats.buffer);
      [1.5, -2, 3.25, 4].forEach((v, i) => view.setFloat32(12 + 4 * i, v, false));
      return [plain, floats, gzipSync(plain)];
    }
    case 'csv':
      return [new TextEncoder().encode('a,b,c\n1,2,3\n4.5,-6,7e-1\n8,9,10\n'), new TextEncoder().encode('x;y\n"1";2\n3;4\n')];
  }
}

// ---- damage ------------------------------------------------------------------------------------

/** Characters that matter to each format's header grammar, for edits that stay "almost valid". */
const HEADER_CHARS: Record<FuzzFormat, string> = {
  safetensors: '{}[]":,0123456789 FIU',
  npy: "{}()[]':, 0123456789LTFNruefalsTse<>|fiub",
  npz: '0123456789',
  idx: '\x00\x01\x02\x03\x08\x0d\xff',
  csv: ',;"\n\r .-e01x',
};

/** Where the header text lies: edits there reach the grammar, not only the numbers. */
function headerRange(format: FuzzFormat, bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'safetensors' && bytes.length >= 8) return [8, Math.min(bytes.length, 8 + Number(view.getBigUint64(0, true)))];
  if (format === 'npy' && bytes.length >= 10) return [10, Math.min(bytes.length, 10 + view.getUint16(8, true))];
  if (format === 'idx') return [0, Math.min(bytes.length, 12)];
  return [0, bytes.length];
}

function damage(format: FuzzFormat, seed: Uint8Array, rng: Rng): { bytes: Uint8Array; how: string } {
  let bytes: Uint8Array = seed.slice();
  const steps = 1 + rng.int(3);
  const hows: string[] = [];
  for (let s = 0; s < steps; s++) {
    const kind = rng.int(8);
    if (bytes.length === 0) break;
    if (kind === 0) {
      const at = rng.int(bytes.length);
      bytes[at] = bytes[at]! ^ (1 << rng.int(8));
      hows.push(`bit flip at ${at}`);
    } else if (kind === 1) {
      const length = rng.int(bytes.length);
      bytes = bytes.slice(0, length);
      hows.push(`truncated to ${length}`);
    } else if (kind === 2 || kind === 3) {
      const [from, to] = headerRange(format, bytes);
      if (to <= from) continue;
      const at = from + rng.int(to - from);
      const chars = HEADER_CHARS[format];
      bytes[at] = chars.charCodeAt(rng.int(chars.length));
      hows.push(`header byte ${at} edited`);
    } else if (kind === 4) {
      const at = rng.int(bytes.length);
      const count = 1 + rng.int(8);
      bytes = concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + count)));
      hows.push(`${count} bytes deleted at ${at}`);
    } else if (kind === 5) {
      const at = rng.int(bytes.length + 1);
      const extra = Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.int(256));
      bytes = concat(bytes.subarray(0, at), extra, bytes.subarray(at));
      hows.push(`${extra.length} bytes inserted at ${at}`);
    } else if (kind === 6 && format === 'safetensors' && bytes.length >= 8) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const delta = rng.int(17) - 8;
      view.setBigUint64(0, BigInt(Math.max(0, Number(view.getBigUint64(0, true)) + delta)), true);
      hows.push(`header length ${delta >= 0 ? '+' : ''}${delta}`);
    } else if (kind === 6 && format === 'npy') {
      const [from, to] = headerRange(format, bytes);
      const text = new TextDecoder('latin1').decode(bytes.subarray(from, to));
      const key = ["'descr': '<i4', ", "'shape': (3,), ", "'fortran_order': True, ", "'descr': '<f4', "][rng.int(4)]!;
      const edited = text.replace('{', `{${key}`).slice(0, text.length);
      bytes.set(
        Uint8Array.from(edited, (c) => c.charCodeAt(0)),
        from,
      );
      hows.push('a key added');
    } else if (kind === 6 && format === 'idx') {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes.length >= 8) view.setUint32(4, rng.int(3) === 0 ? 0 : rng.int(1 << 20), false);
      hows.push('first dimension edited');
    } else {
      const extra = Uint8Array.from({ length: 1 + rng.int(64) }, () => (rng.int(2) === 0 ? 0x20 : rng.int(256)));
      bytes = concat(bytes, extra);
      hows.push(`${extra.length} bytes appended`);
    }
  }
  return { bytes, how: hows.join(', ') || 'unchanged' };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---- NumPy as the reference for accepted arrays -------------------------------------------------

const NUMPY_CHECK = `
import json, sys, zipfile
import numpy as np
out = []
for path in sys.argv[1:]:
    try:
        if path.endswith('.npz'):
            with np.load(path, allow_pickle=False) as z:
                out.append({k: list(z[k].shape) for k in z.files})
        else:
            out.append({'arr': list(np.load(path, allow_pickle=False).shape)})
    except Exception as e:
        out.append({'error': type(e).__name__ + ': ' + str(e)[:200]})
print(json.dumps(out))
`;

/**
 * Load every accepted array file with NumPy and list where NumPy refuses one or reads another
 * shape; null when python3 with NumPy is not available (the reason is then the caller's to say).
 */
export async function numpyDisagreements(files: readonly AcceptedArrayFile[]): Promise<string[] | null> {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  if (spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'latent-fuzz-'));
  try {
    const paths = files.map((file, i) => {
      const path = join(dir, `case-${i}.${file.format}`);
      writeFileSync(path, file.bytes);
      return path;
    });
    const run = spawnSync('python3', ['-c', NUMPY_CHECK, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) return [`python3 failed: ${run.stderr.slice(0, 500)}`];
    const results = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    const problems: string[] = [];
    files.forEach((file, i) => {
      const theirs = results[i] ?? {};
      if (typeof theirs['error'] === 'string')
        problems.push(`${file.format} file ${i}: latent accepted it, NumPy refused it (${theirs['error']})`);
      else if (JSON.stringify(theirs) !== JSON.stringify(file.shapes)) {
        problems.push(`${file.format} file ${i}: latent read ${JSON.stringify(file.shapes)}, NumPy ${JSON.stringify(theirs)}`);
      }
    });
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
