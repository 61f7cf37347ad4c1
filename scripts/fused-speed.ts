/**
 * CPU time per element of the fused training kernels, timed alone on the wasm backend: Adam over
 * W1's 944k weights (`adamGroup`) and over a slice that stays in the L2 cache (whether memory or
 * arithmetic bounds the update), and the BCE loss-and-gradient pass over W1's 128×784 logits
 * (`bceLogitsGrad`).
 *
 *   npx tsx scripts/fused-speed.ts [--threads N] [--kernels simd|relaxed]
 *
 * Process CPU time (all threads), so figures hold on a busy machine; run the old and the new
 * code alternately to compare.
 */

import { argument } from '../bench/args.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';

const choice = argument('--kernels');
const backend = await createWasmBackend({
  threads: Number(argument('--threads') ?? '1'),
  ...(choice === 'simd' || choice === 'relaxed' ? { kernels: choice } : {}),
});

function filled(n: number, f: (i: number) => number): Float32Array {
  const x = backend.alloc(n);
  for (let i = 0; i < n; i++) x[i] = f(i);
  return x;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU ns per element of `reps` calls of `call` over `n` elements. */
function timed(n: number, reps: number, call: () => void): string {
  call(); // compiled and warm
  const start = cpuMs();
  for (let r = 0; r < reps; r++) call();
  const ms = (cpuMs() - start) / reps;
  return `${((ms / n) * 1e6).toFixed(3)} ns per element, ${ms.toFixed(3)} ms per call`;
}

for (const n of [65_536, 944_000]) {
  const param = filled(n, (i) => Math.sin(i));
  const grad = filled(n, (i) => Math.cos(i) * 1e-3);
  const m = filled(n, () => 0);
  const v = filled(n, () => 0);
  let step = 0;
  const line = timed(n, Math.round(1e8 / n), () =>
    backend.adamGroup([{ param, grad, m, v }], { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: ++step }),
  );
  console.log(`adamGroup   n=${n}: ${line}`);
}

const n = 128 * 784;
const z = filled(n, (i) => 4 * Math.sin(i * 0.37));
const t = filled(n, (i) => (i % 7) / 7);
const out = filled(n, () => 0);
console.log(`bceLogitsGrad n=${n}: ${timed(n, 100, () => void backend.bceLogitsGrad(z, t, 1 / n, out))}`);
process.exit(0);
