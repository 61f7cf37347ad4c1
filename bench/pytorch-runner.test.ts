/**
 * The PyTorch benchmark runner: parsing of the script's result, the fallback to null without
 * torch, and (where some python3 imports torch) a quick run whose models must have exactly the
 * parameter counts of latent's W1 and W2, so the two sides train the same architectures.
 */

import { describe, expect, it } from 'vitest';
import {
  blasName,
  describeThreadpools,
  findTorchPython,
  parseWorkloadOutput,
  procCpuSeconds,
  PYTORCH_GLIBC_TUNABLES,
  pytorchEnv,
  pytorchRates,
  PytorchSession,
} from './pytorch-runner.js';
import { GEMM_SHAPES } from './gemm.js';
import { buildW2 } from './w2-runner.js';
import { W1 } from './workloads.js';

const hasTorch = (await findTorchPython()) !== null;

/** Parameters of W1: weights and biases of every Linear of 784-512-128-32-128-512-784. */
function w1Params(): number {
  const widths = [W1.input, ...W1.encoder, W1.latent, ...[...W1.encoder].reverse(), W1.input];
  let n = 0;
  for (let i = 0; i + 1 < widths.length; i++) n += widths[i]! * widths[i + 1]! + widths[i + 1]!;
  return n;
}

describe('procCpuSeconds', () => {
  it('adds utime and stime (clock ticks) after a command name holding spaces and parentheses', () => {
    expect(procCpuSeconds('42 (python3 (x) y) S 1 42 42 0 -1 4194304 10 0 0 0 250 50 0 0 20 0 3')).toBe(3);
  });

  it('returns null for text that is not a stat line', () => {
    expect(procCpuSeconds('')).toBeNull();
    expect(procCpuSeconds('42 (python3) S 1 2')).toBeNull();
  });
});

describe('parseWorkloadOutput', () => {
  const line = JSON.stringify({
    torch: '2.3.0',
    threads: 2,
    blas: '/usr/lib/libopenblas.so',
    w1: 2,
    w3: 4,
    w2: 6,
    rates: { w1: [1, 2, 3], w3: [4], w2: [5, 6, 7] },
    params: { w1: 10, w2: 20 },
  });

  it('reads the last line of the output', () => {
    expect(parseWorkloadOutput(`some warning\n${line}\n`)).toEqual({
      version: '2.3.0',
      blas: '/usr/lib/libopenblas.so',
      w1: [1, 2, 3],
      w3: [4],
      w2: [5, 6, 7],
      params: { w1: 10, w2: 20 },
      threadpools: [],
    });
  });

  it('refuses output without a result, or with rates that are not positive numbers', () => {
    expect(() => parseWorkloadOutput('Traceback (most recent call last):')).toThrow(/printed no JSON result/);
    expect(() => parseWorkloadOutput(line.replace('"w3":[4]', '"w3":[]'))).toThrow(/rates.w3/);
    expect(() => parseWorkloadOutput(line.replace('"w2":[5,6,7]', '"w2":[5,-1,7]'))).toThrow(/rates.w2/);
    expect(() => parseWorkloadOutput(line.replace('"w1":10', '"w1":"ten"'))).toThrow(/params.w1/);
  });
});

describe('blasName', () => {
  it('names the BLAS libraries Debian can select', () => {
    expect(blasName('/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so')).toBe('OpenBLAS');
    expect(blasName('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0')).toBe('reference BLAS');
    expect(blasName('/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4')).toBe('BLIS');
    expect(blasName('unknown')).toBe('unknown');
  });
});

describe('PyTorch at its best', () => {
  it('runs PyTorch without the OpenBLAS kernel pins and with malloc tuned, leaving the rest of the environment alone', () => {
    const env = pytorchEnv({ PATH: '/usr/bin', OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '1048576', HOME: '/root' });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root', GLIBC_TUNABLES: PYTORCH_GLIBC_TUNABLES });
  });

  it('names the kernel and build threadpoolctl reports', () => {
    const pools = [
      { user_api: 'openmp', internal_api: 'openmp', num_threads: 2 },
      {
        user_api: 'blas',
        internal_api: 'openblas',
        version: '0.3.21',
        threading_layer: 'openmp',
        architecture: 'Cooperlake',
        num_threads: 2,
      },
    ];
    expect(describeThreadpools(pools)).toBe('OpenBLAS 0.3.21, Cooperlake kernel, openmp build');
    expect(describeThreadpools([])).toBe('kernel unknown (no threadpoolctl)');
  });
});

describe('findTorchPython', () => {
  it('returns null when no candidate exists', async () => {
    expect(await findTorchPython(['/nonexistent/python3'])).toBeNull();
  });
});

describe.skipIf(!hasTorch)('pytorchRates with PyTorch installed', () => {
  it('trains and encodes the reference architectures in a quick run', async () => {
    const rows = 2100;
    const data = new Float32Array(rows * 784);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 1000;
    const result = await pytorchRates(data, 1, true);
    expect(result).not.toBeNull();
    expect(result!.version).toMatch(/^\d+\.\d+/);
    expect(result!.params).toEqual({ w1: w1Params(), w2: buildW2().parameterCount() });
    for (const rates of [result!.w1, result!.w3, result!.w2]) {
      expect(rates).toHaveLength(1);
      expect(rates[0]).toBeGreaterThan(0);
    }
  });

  it('refuses data that is not rows of 784 values', async () => {
    await expect(pytorchRates(new Float32Array(785), 1, true)).rejects.toThrow(/not rows of 784/);
  });
});

describe.skipIf(!hasTorch)('PytorchSession with PyTorch installed', () => {
  it('serves one repetition per request and reports the native thread pools', async () => {
    const rows = 600;
    const data = new Float32Array(rows * 784);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 1000;
    const session = await PytorchSession.start(data, 1, { w1: 512, w2: 256 });
    expect(session).not.toBeNull();
    try {
      const cpuBefore = session!.cpuSeconds();
      for (const workload of ['w1', 'w3', 'w2'] as const) expect(await session!.rep(workload)).toBeGreaterThan(0);
      // The process's CPU time, read from /proc, grows with the work it did.
      if (cpuBefore !== null) expect(session!.cpuSeconds()!).toBeGreaterThan(cpuBefore);
      expect(session!.threads).toBe(1);
      expect(Array.isArray(session!.threadpools)).toBe(true);
      // torch.mm's rate on the benchmark's product shapes, one figure per shape in order.
      const gflops = await session!.gemmGflops(GEMM_SHAPES);
      expect(gflops).toHaveLength(GEMM_SHAPES.length);
      for (const g of gflops) expect(g).toBeGreaterThan(0.1);
    } finally {
      await session!.close();
    }
  }, 120_000);
});
