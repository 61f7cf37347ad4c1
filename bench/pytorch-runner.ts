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
 *
 * PyTorch runs at its best here: the child process gets OpenBLAS's own choice of kernel
 * (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which pin an older kernel on some machines, are unset
 * for it alone) and glibc malloc thresholds that keep Adam's large buffers mapped (without them
 * PyTorch spends more time in page faults than in GEMM). threadpoolctl's report of the kernel and
 * threading layer that ran comes back with the rates. `PytorchSession` keeps one process per
 * thread count and runs one repetition per request, so PyTorch takes part in interleaved rounds.
 */

import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;
const SCRIPT = fileURLToPath(new URL('./pytorch_workloads.py', import.meta.url));
const PIXELS = 784;
/** Python interpreters tried in order. */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'] as const;

/** glibc malloc: keep blocks up to 256 MiB in the heap instead of mapping and unmapping them per step. */
export const PYTORCH_GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=268435456';

/**
 * The environment of the PyTorch child: `base` without the OpenBLAS kernel pins, with malloc tuned.
 *
 * @example
 * pytorchEnv({ PATH: '/usr/bin', OPENBLAS_CORETYPE: 'Haswell' }); // { PATH, GLIBC_TUNABLES }
 */
export function pytorchEnv(base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && key !== 'OPENBLAS_CORETYPE' && key !== 'OPENBLAS_L2_SIZE') env[key] = value;
  }
  env['GLIBC_TUNABLES'] = PYTORCH_GLIBC_TUNABLES;
  return env;
}

/** One native thread pool as threadpoolctl reports it. */
export interface ThreadpoolInfo {
  readonly user_api?: string;
  readonly internal_api?: string;
  readonly version?: string | null;
  readonly threading_layer?: string;
  readonly architecture?: string;
  readonly num_threads?: number;
  readonly filepath?: string;
}

/**
 * The BLAS kernel and build that ran, from threadpoolctl's report, for table labels.
 *
 * @example
 * describeThreadpools([{ user_api: 'blas', internal_api: 'openblas', version: '0.3.21', architecture: 'Cooperlake', threading_layer: 'openmp' }]);
 * // 'OpenBLAS 0.3.21, Cooperlake kernel, openmp build'
 */
export function describeThreadpools(pools: readonly ThreadpoolInfo[]): string {
  const blas = pools.find((p) => p.user_api === 'blas');
  if (blas === undefined) return 'kernel unknown (no threadpoolctl)';
  const name = blas.internal_api === 'openblas' ? 'OpenBLAS' : (blas.internal_api ?? 'BLAS');
  const parts = [`${name}${blas.version ? ` ${blas.version}` : ''}`];
  if (blas.architecture) parts.push(`${blas.architecture} kernel`);
  if (blas.threading_layer) parts.push(`${blas.threading_layer} build`);
  return parts.join(', ');
}

function threadpoolList(value: unknown): ThreadpoolInfo[] {
  return Array.isArray(value) ? value.filter((v): v is ThreadpoolInfo => v !== null && typeof v === 'object') : [];
}

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
  /** threadpoolctl's report of the native thread pools ([] without threadpoolctl). */
  readonly threadpools: readonly ThreadpoolInfo[];
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
    threadpools: threadpoolList(record['threadpools']),
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
      env: pytorchEnv(process.env),
    });
    return parseWorkloadOutput(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * User + system CPU seconds from the text of /proc/PID/stat (utime and stime, fields 14 and 15),
 * or null when the text does not hold them.
 *
 * @example
 * procCpuSeconds('42 (python3) S 1 42 42 0 -1 0 0 0 0 0 250 50 0 0'); // 3
 */
export function procCpuSeconds(stat: string): number | null {
  // The command name may hold spaces and parentheses: fields start after its last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const user = Number(fields[11]),
    system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) && fields.length >= 13 ? (user + system) / CLOCK_TICKS : null;
}

/** A workload the PyTorch process runs one repetition of per request. */
export type PytorchWorkload = 'w1' | 'w2' | 'w3';

/** One product C = op(A)·op(B) to time (bench/gemm.ts). */
export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  /** A holds MNIST digits (mostly zeros) instead of dense values. */
  readonly digits?: boolean;
}

/**
 * One PyTorch process on a fixed thread count, serving repetitions on request (the script's
 * --serve mode), so that PyTorch takes turns with the other systems of an interleaved round.
 */
export class PytorchSession {
  private readonly pending: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  private exited: Error | null = null;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: Interface,
    private readonly dir: string,
    /** torch.__version__ */
    readonly version: string,
    /** Path of the BLAS library in use. */
    readonly blas: string,
    /** threadpoolctl's report ([] without threadpoolctl). */
    readonly threadpools: readonly ThreadpoolInfo[],
    readonly threads: number,
  ) {
    lines.on('line', (line) => this.pending.shift()?.resolve(line));
    child.on('exit', (code) => {
      this.exited = new Error(`the PyTorch process exited (code ${code}) before answering`);
      for (const waiter of this.pending.splice(0)) waiter.reject(this.exited);
    });
  }

  /**
   * Start PyTorch on `threads` threads over `data` (MNIST rows of 784 values); null when no
   * python3 here imports torch. `epochRows`: rows of a W1 and a W2 epoch (W3 encodes 10,000).
   */
  static async start(
    data: Float32Array,
    threads: number,
    epochRows: { readonly w1: number; readonly w2: number },
  ): Promise<PytorchSession | null> {
    const rows = Math.floor(data.length / PIXELS);
    if (rows === 0 || rows * PIXELS !== data.length) throw new Error(`PytorchSession: ${data.length} values are not rows of ${PIXELS}`);
    const python = await findTorchPython();
    if (python === null) return null;
    const dir = await mkdtemp(join(tmpdir(), 'latent-bench-torch-'));
    const file = join(dir, 'mnist.f32');
    await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const size = (n: number): string => String(Math.min(n, rows));
    const args = ['--w1-rows', size(epochRows.w1), '--w2-rows', size(epochRows.w2), '--w3-samples', size(10_000), '--serve'];
    const child = spawn(python, [SCRIPT, file, String(threads), ...args], {
      env: pytorchEnv(process.env),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`pytorch_workloads.py --serve exited (code ${code}) before it was ready`)));
      child.once('error', reject);
    });
    const header = JSON.parse(first) as Record<string, unknown>;
    if (header['ready'] !== true || typeof header['torch'] !== 'string') {
      child.kill();
      throw new Error(`pytorch_workloads.py --serve: unexpected first line ${first.slice(0, 200)}`);
    }
    const blas = typeof header['blas'] === 'string' ? header['blas'] : 'unknown';
    return new PytorchSession(child, lines, dir, header['torch'], blas, threadpoolList(header['threadpools']), threads);
  }

  /** Samples/s of one more repetition of `workload`. */
  async rep(workload: PytorchWorkload): Promise<number> {
    const line = await this.request(workload);
    const rate = (JSON.parse(line) as { rate?: unknown }).rate;
    if (typeof rate !== 'number' || !(rate > 0)) throw new Error(`pytorch_workloads.py --serve answered ${line.slice(0, 200)}`);
    return rate;
  }

  /** torch.mm's GFLOPS on each product shape, in order (A of MNIST digits where `digits` is set). */
  async gemmGflops(shapes: readonly GemmShape[]): Promise<number[]> {
    const line = await this.request(`gemm ${JSON.stringify(shapes)}`);
    const gflops = (JSON.parse(line) as { gflops?: unknown }).gflops;
    if (!Array.isArray(gflops) || gflops.length !== shapes.length || !gflops.every((g) => typeof g === 'number' && g > 0)) {
      throw new Error(`pytorch_workloads.py --serve answered ${line.slice(0, 200)}`);
    }
    return gflops as number[];
  }

  // One line to the process, its one-line answer back.
  private request(command: string): Promise<string> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<string>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${command}\n`);
    });
  }

  /**
   * CPU seconds the process has used so far (user + system, from /proc; null where /proc is
   * missing). Differences around a repetition give samples per CPU-second, which a busy machine
   * disturbs less than wall time. OpenMP threads spin while they wait, so with 2 threads or more
   * this counts waiting as work.
   */
  cpuSeconds(): number | null {
    try {
      return procCpuSeconds(readFileSync(`/proc/${this.child.pid}/stat`, 'utf8'));
    } catch {
      return null;
    }
  }

  /** Stop the process and remove its data file. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.stdin.end('quit\n');
      await exit;
    }
    this.lines.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
