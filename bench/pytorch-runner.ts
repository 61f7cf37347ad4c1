/**
 * PyTorch side of the benchmark: runs bench/pytorch_workloads.py (W1 training, W3 encoding, W2
 * training with torch.nn on the CPU) on the same MNIST digits as the other runners, and returns
 * its rates. PyTorch is optional: without a python3 that imports torch the rows are simply left
 * out (null), so machines without it (CI) still run the benchmark.
 *
 * Debian's python3-torch installs for /usr/bin/python3, which a pyenv or venv python3 earlier on
 * PATH does not see, so both are tried. Debian's torch does its dense maths in whichever
 * libblas.so.3 the system selects; the reference BLAS is about 12× slower than OpenBLAS on W1, so
 * the BLAS in use is returned with the rates and belongs next to them in any table.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./pytorch_workloads.py', import.meta.url));
const PIXELS = 784;
/** Python interpreters tried in order. */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'] as const;

export interface PytorchRates {
  /** torch.__version__ */
  readonly version: string;
  /** Path of the BLAS library the dense layers ran on (e.g. …/openblas-openmp/libopenblasp-r0.3.21.so). */
  readonly blas: string;
  /** Samples/s of each measured repetition (the warm-up is already dropped). */
  readonly w1: number[];
  readonly w3: number[];
  readonly w2: number[];
  /** Parameters of the W1 and W2 models, to check that the architectures match latent's. */
  readonly params: { readonly w1: number; readonly w2: number };
}

/**
 * A short name for the BLAS library at `path`, for table labels.
 *
 * @example
 * blasName('/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so'); // 'OpenBLAS'
 */
export function blasName(path: string): string {
  const file = path.split('/').at(-1) ?? path;
  if (/openblas/i.test(file)) return 'OpenBLAS';
  if (/mkl/i.test(file)) return 'MKL';
  if (/blis/i.test(file)) return 'BLIS';
  // Debian's netlib reference implementation lives in …/blas/libblas.so.3.
  if (/\/blas\/libblas\.so/.test(path)) return 'reference BLAS';
  return file;
}

/** Sizes of one run: full runs match latent's wasm rows in bench/run.ts. */
function sizes(quick: boolean, rows: number): string[] {
  const w1 = Math.min(quick ? 512 : 8192, rows);
  const w2 = Math.min(quick ? 256 : 2048, rows);
  const w3 = Math.min(quick ? 2000 : 10_000, rows);
  // W3 passes are short: more of them steady the median, as in bench/run.ts.
  return [
    '--w1-rows',
    String(w1),
    '--w2-rows',
    String(w2),
    '--w3-samples',
    String(w3),
    '--reps',
    quick ? '1' : '3',
    '--w3-reps',
    quick ? '1' : '9',
  ];
}

/**
 * The first of `candidates` that imports torch, or null when none does (or none exists).
 *
 * @example
 * const python = await findTorchPython(); // 'python3', '/usr/bin/python3' or null
 */
export async function findTorchPython(candidates: readonly string[] = PYTHON_CANDIDATES): Promise<string | null> {
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import torch'], { timeout: 60_000 });
      return python;
    } catch {
      // Missing interpreter or no torch for it: try the next one.
    }
  }
  return null;
}

function numberList(value: unknown, key: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new Error(`pytorch_workloads.py: "rates.${key}" is not a list of positive numbers: ${JSON.stringify(value)}`);
  }
  return value as number[];
}

/** Parse the JSON object the script prints as its last stdout line. */
export function parseWorkloadOutput(stdout: string): PytorchRates {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new Error(`pytorch_workloads.py printed no JSON result; its output ended with: ${last.slice(0, 200)}`);
  }
  if (parsed === null || typeof parsed !== 'object') throw new Error('pytorch_workloads.py: the result is not a JSON object');
  const record = parsed as Record<string, unknown>;
  const rates = record['rates'];
  if (typeof record['torch'] !== 'string' || rates === null || typeof rates !== 'object') {
    throw new Error(`pytorch_workloads.py: the result lacks "torch" or "rates": ${last.slice(0, 200)}`);
  }
  const r = rates as Record<string, unknown>;
  const params = record['params'];
  const p = params !== null && typeof params === 'object' ? (params as Record<string, unknown>) : {};
  const count = (key: string): number => {
    const value = p[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`pytorch_workloads.py: "params.${key}" is not a count`);
    return value;
  };
  return {
    version: record['torch'],
    blas: typeof record['blas'] === 'string' ? record['blas'] : 'unknown',
    w1: numberList(r['w1'], 'w1'),
    w3: numberList(r['w3'], 'w3'),
    w2: numberList(r['w2'], 'w2'),
    params: { w1: count('w1'), w2: count('w2') },
  };
}

/**
 * Samples/s of W1 training, W3 encoding and W2 training in PyTorch on `threads` threads, over
 * `data` (MNIST rows of 784 values in [0, 1]); null when no python3 here imports torch.
 * `quick`: small sizes and one repetition (a smoke run).
 *
 * @example
 * const torchRates = await pytorchRates(data, 2, false);
 * if (torchRates) console.log(torchRates.version, median(torchRates.w1));
 */
export async function pytorchRates(data: Float32Array, threads: number, quick: boolean): Promise<PytorchRates | null> {
  const rows = Math.floor(data.length / PIXELS);
  if (rows === 0 || rows * PIXELS !== data.length) throw new Error(`pytorchRates: ${data.length} values are not rows of ${PIXELS}`);
  const python = await findTorchPython();
  if (python === null) return null;
  const dir = await mkdtemp(join(tmpdir(), 'latent-bench-torch-'));
  try {
    const file = join(dir, 'mnist.f32');
    // Raw little-endian float32, as the script reads it (every supported platform is little-endian).
    await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const { stdout } = await run(python, [SCRIPT, file, String(threads), ...sizes(quick, rows)], {
      maxBuffer: 1 << 20,
      timeout: 30 * 60_000,
    });
    return parseWorkloadOutput(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
