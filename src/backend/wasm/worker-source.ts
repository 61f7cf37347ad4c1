/**
 * Source of the worker threads, as plain JavaScript strings: Node runs it with `eval: true`
 * (CommonJS), browsers from a Blob URL. Keeping it a string means it needs no separate file in
 * src/ or dist/ and no bundler support.
 *
 * Protocol (Int32 slots of the control block, see CONTROL below): a worker instantiates the
 * kernels on the shared memory, reads the sequence number and reports ready. Then, forever: wait
 * (spinning for a time spin-policy.ts decides, then Atomics.wait) until the sequence number
 * changes, and help with the job: `work(job, index)` claims chunks until none are left
 * (asm/tasks.ts). While it waits, a worker also takes up chunks of the background job (a
 * second descriptor the caller publishes, e.g. a deferred optimizer update) one at a time with
 * `workOne`, so it never holds one for long when the next job comes. A trap sets ERROR and still
 * counts the chunk as finished, so the caller never waits for it. STOP ends the loop.
 */

import { JOB_SLOT } from './codes.js';
import { POLLS_PER_CHECK, shouldSleep, SPIN_LIMITS, startSpin } from './spin-policy.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

/** Int32 indices in the control block; each on its own 64-byte line. */
export const CONTROL = { seq: 0, error: 16, stop: 32 } as const;
/** Bytes of the control block (the job descriptor follows it). */
export const CONTROL_BYTES = 256;

// The spin policy (spin-policy.ts) as the worker's own declarations: the functions' text under
// fixed names, whatever a bundler named them.
export const SPIN_POLICY_SOURCE = `
const SPIN_LIMITS = ${JSON.stringify(SPIN_LIMITS)};
const POLLS_PER_CHECK = ${POLLS_PER_CHECK};
const startSpin = ${startSpin.toString()};
const shouldSleep = ${shouldSleep.toString()};
`;

const LOOP = `${SPIN_POLICY_SOURCE}
async function latentWorkerMain(data, post) {
  const { module, memory, control, job, background, index } = data;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const work = instance.exports.work;
  const workOne = instance.exports.workOne;
  const header = new Int32Array(memory.buffer, job, 4);
  const side = new Int32Array(memory.buffer, background, 4);
  const c = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
  const failed = (h) => {
    Atomics.store(c, ${CONTROL.error}, 1);
    Atomics.add(h, ${JOB_SLOT.done}, 1);
    Atomics.notify(h, ${JOB_SLOT.done});
  };
  const spin = { idleSince: 0, lastCheck: 0, shortUntil: 0 };
  let seen = Atomics.load(c, ${CONTROL.seq});
  post('ready');
  for (;;) {
    startSpin(spin, performance.now());
    let polls = 0;
    while (Atomics.load(c, ${CONTROL.seq}) === seen) {
      const ticket = Atomics.load(side, ${JOB_SLOT.ticket});
      if ((ticket & 0xffff) < ticket >>> 16) {
        try {
          workOne(background, index);
        } catch (error) {
          failed(side);
        }
        startSpin(spin, performance.now());
        continue;
      }
      if (++polls % POLLS_PER_CHECK !== 0 || !shouldSleep(spin, performance.now(), SPIN_LIMITS)) continue;
      Atomics.wait(c, ${CONTROL.seq}, seen);
      startSpin(spin, performance.now());
    }
    seen = Atomics.load(c, ${CONTROL.seq});
    if (Atomics.load(c, ${CONTROL.stop}) !== 0) return;
    try {
      work(job, index);
    } catch (error) {
      failed(header);
    }
  }
}
`;

/** Worker source for Node's worker_threads (`new Worker(source, { eval: true, workerData })`). */
export const NODE_WORKER_SOURCE = `${LOOP}
const { parentPort, workerData } = require('node:worker_threads');
latentWorkerMain(workerData, (message) => parentPort.postMessage(message));
`;

/** Worker source for Web Workers: the first message carries the start data. */
export const BROWSER_WORKER_SOURCE = `${LOOP}
self.onmessage = (event) => {
  self.onmessage = null;
  latentWorkerMain(event.data, (message) => self.postMessage(message));
};
`;

/** What each worker receives at start. */
export interface WorkerStartData {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly control: number;
  readonly job: number;
  /** Byte offset of the background job's descriptor. */
  readonly background: number;
  readonly index: number;
}
