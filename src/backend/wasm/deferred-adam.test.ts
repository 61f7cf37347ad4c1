/**
 * Deferred Adam (adamGroupDeferred … settle) against adamGroup, on 1 and 2 threads of each kernel
 * build: groups handed over one at a time, with other jobs running between them (the background
 * chunks are taken up by the worker between jobs and by the caller at their ends), give the same
 * bits as one adamGroup over every group; a change of hyperparameters settles the earlier groups
 * first; startDeferred publishes what still waits; nothing stays allocated after settle.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import type { AdamArgs, AdamSlot } from '../backend.js';
import { HOST_VARIANTS, onBackend, randomArray, wasmBackends } from './test-utils/fixtures.js';
import type { WasmBackend } from './wasm-backend.js';

const builds = await wasmBackends();

const ARGS: AdamArgs = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false, step: 4 };

/** Random parameter groups: lengths with vector tails, and some long enough for many chunks. */
function randomGroups(rng: Rng): Float32Array[][][] {
  const groups: Float32Array[][][] = [];
  for (let g = 0; g < 6; g++) {
    const lengths = [1 + Math.floor(rng.uniform() * 40), 1 + Math.floor(rng.uniform() * (g % 2 === 0 ? 200_000 : 5000))];
    groups.push(
      lengths.map((n) => [
        randomArray(rng, n, -1, 1),
        randomArray(rng, n, -1, 1),
        randomArray(rng, n, -0.1, 0.1),
        randomArray(rng, n, 0, 0.01),
      ]),
    );
  }
  return groups;
}

function slotsOf(backend: WasmBackend, group: Float32Array[][]): { slots: AdamSlot[]; arrays: Float32Array[][] } {
  const arrays = group.map((param) => param.map((a) => onBackend(backend, a)));
  return { slots: arrays.map(([param, grad, m, v]) => ({ param: param!, grad: grad!, m: m!, v: v! })), arrays };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe.each(HOST_VARIANTS)('%s kernels', (variant) => {
  const backends = builds.get(variant)!;

  it.each([1, 2])('deferred groups with other jobs between them equal one adamGroup, bit for bit (%i threads)', (threads) => {
    const backend = backends.get(threads)!;
    const before = backend.liveBuffers();
    const groups = randomGroups(new Rng(31 + threads));
    const reference = groups.map((group) => slotsOf(backend, group));
    backend.adamGroup(
      reference.flatMap((r) => r.slots),
      ARGS,
    );
    const deferred = groups.map((group) => slotsOf(backend, group));
    // Unrelated work between the groups, split across threads like a backward pass's products.
    const busy = backend.alloc(1 << 17);
    const busyOut = backend.alloc(1 << 17);
    busy.fill(0.5);
    for (const { slots } of deferred) {
      backend.adamGroupDeferred(slots, { ...ARGS });
      for (let i = 0; i < 4; i++) backend.affine(busy, 1.5, 0.25, busyOut);
    }
    backend.startDeferred();
    backend.settle();
    expect(busyOut.every((x) => x === 1)).toBe(true);
    deferred.forEach(({ arrays }, g) =>
      arrays.forEach((param, i) => {
        for (const j of [0, 2, 3])
          expect(sameBits(param[j]!, reference[g]!.arrays[i]![j]!), `group ${g}, parameter ${i}, array ${j}`).toBe(true);
      }),
    );
    for (const { arrays } of [...reference, ...deferred]) for (const param of arrays) for (const a of param) backend.release(a);
    backend.release(busy);
    backend.release(busyOut);
    expect(backend.liveBuffers()).toBe(before);
  });

  it('settles the earlier groups before a group with other hyperparameters', () => {
    const backend = backends.get(2)!;
    const rng = new Rng(41);
    const groups = [randomGroups(rng)[0]!, randomGroups(rng)[1]!];
    const reference = groups.map((group) => slotsOf(backend, group));
    backend.adamGroup(reference[0]!.slots, ARGS);
    backend.adamGroup(reference[1]!.slots, { ...ARGS, step: 5 });
    const deferred = groups.map((group) => slotsOf(backend, group));
    backend.adamGroupDeferred(deferred[0]!.slots, ARGS);
    backend.adamGroupDeferred(deferred[1]!.slots, { ...ARGS, step: 5 });
    backend.settle();
    deferred.forEach(({ arrays }, g) =>
      arrays.forEach((param, i) => expect(sameBits(param[0]!, reference[g]!.arrays[i]![0]!), `group ${g}, parameter ${i}`).toBe(true)),
    );
    for (const { arrays } of [...reference, ...deferred]) for (const param of arrays) for (const a of param) backend.release(a);
  });

  it('names a short moment array of a deferred group and leaves nothing allocated', () => {
    const backend = backends.get(2)!;
    const before = backend.liveBuffers();
    const [p, g, m, v] = [8, 8, 8, 4].map((n) => backend.alloc(n));
    expect(() => backend.adamGroupDeferred([{ param: p!, grad: g!, m: m!, v: v! }], ARGS)).toThrow(/adam v holds 4 floats/);
    backend.settle();
    for (const a of [p, g, m, v]) backend.release(a!);
    expect(backend.liveBuffers()).toBe(before);
  });
});
