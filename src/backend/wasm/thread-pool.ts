/**
 * ThreadPool: runs one job descriptor, cut into chunks, on the calling thread plus whichever
 * workers join in, with no postMessage per call. The caller publishes the job's ticket, bumps a
 * sequence number in the shared control block to wake the workers, claims chunks itself, then
 * waits until every claimed chunk is counted finished (spinning first: most chunks end within
 * microseconds). It never waits for a worker that has not claimed anything, so a worker the OS
 * has not scheduled yet slows nothing down. Jobs never overlap.
 *
 * Beside the jobs, one background job may run (a second descriptor): chunks that threads take up
 * one at a time while they would otherwise wait, the workers between jobs and the caller at a
 * job's end. It must touch no memory the jobs run meanwhile read or write; `finishBackground`
 * runs what is left and waits for it.
 *
 * Where the caller may not block (a browser's main thread), waiting is pure spinning.
 */

import type { KernelExports } from './kernels.js';
import { spawnWorker, type WorkerHandle } from './spawn.js';
import { JOB_SLOT } from './codes.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';
import { CONTROL, CONTROL_BYTES } from './worker-source.js';

/** Polls before a caller waiting for a worker's chunk falls back to Atomics.wait (tens of microseconds). */
const SPIN = 20_000;

function callerMayBlock(probe: Int32Array): boolean {
  try {
    // Value differs from the slot's, so this returns at once where waiting is allowed at all.
    Atomics.wait(probe, 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  /** Threads a job runs on, the caller included. */
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly header: Int32Array;
  private readonly side: Int32Array;
  private readonly mayBlock: boolean;
  private closed = false;

  private constructor(
    private readonly kernels: KernelExports,
    control: Int32Array,
    private readonly job: number,
    header: Int32Array,
    /** Byte offset of the background job's descriptor. */
    readonly background: number,
    side: Int32Array,
    private readonly workers: readonly WorkerHandle[],
  ) {
    this.threads = workers.length + 1;
    this.control = control;
    this.header = header;
    this.side = side;
    this.mayBlock = workers.length > 0 && callerMayBlock(new Int32Array(new SharedArrayBuffer(4)));
  }

  /**
   * Start `threads - 1` workers on the same module and memory. `control` is the byte offset of a
   * zeroed CONTROL_BYTES block, `job` that of the job descriptor, `background` that of the
   * background job's (zeroed).
   */
  static async start(
    kernels: KernelExports,
    module: WasmModule,
    memory: WasmMemory,
    control: number,
    job: number,
    background: number,
    threads: number,
  ): Promise<ThreadPool> {
    const started = await Promise.allSettled(
      Array.from({ length: threads - 1 }, (_, i) => spawnWorker({ module, memory, control, job, background, index: i + 1 })),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failed.reason;
    }
    const controlView = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
    const header = new Int32Array(memory.buffer, job, 4);
    return new ThreadPool(kernels, controlView, job, header, background, new Int32Array(memory.buffer, background, 4), workers);
  }

  /** Threads a job may use now: `threads` until `close`, 1 after. */
  get activeThreads(): number {
    return this.closed ? 1 : this.threads;
  }

  /**
   * Run the job whose id and arguments are already written, cut into `chunks` (1 to 0xffff),
   * on the caller plus the workers when `parallel`.
   */
  run(chunks: number, parallel: boolean): void {
    const h = this.header;
    Atomics.store(h, JOB_SLOT.done, 0);
    // Publishing the ticket makes the chunks claimable; everything written before is visible.
    Atomics.store(h, JOB_SLOT.ticket, chunks << 16);
    if (this.workers.length === 0) {
      this.kernels.work(this.job, 0);
      return;
    }
    const c = this.control;
    // A job that is not worth waking the workers for is still claimable by one that is awake late
    // for the previous job: it too must be waited for below (else the caller reads its output
    // while that worker is still writing it).
    if (parallel && this.activeThreads > 1) {
      Atomics.add(c, CONTROL.seq, 1);
      Atomics.notify(c, CONTROL.seq);
    }
    let failure: unknown = undefined;
    try {
      this.kernels.work(this.job, 0);
    } catch (error) {
      failure = error;
      // Close the ticket; count the failed chunk and the never-claimed ones as finished.
      const ticket = Atomics.exchange(h, JOB_SLOT.ticket, (chunks << 16) | chunks);
      Atomics.add(h, JOB_SLOT.done, 1 + Math.max(0, chunks - (ticket & 0xffff)));
    }
    // Wait for chunks claimed by workers: they may still be reading the job.
    const waitFailure = this.awaitChunks(h, chunks);
    failure ??= waitFailure;
    if (failure !== undefined) throw failure;
    this.throwWorkerTrap();
  }

  /** True when every chunk of the background job has finished: its descriptor may be rewritten. */
  backgroundIdle(): boolean {
    return Atomics.load(this.side, JOB_SLOT.done) >= Atomics.load(this.side, JOB_SLOT.ticket) >>> 16;
  }

  /**
   * Publish the background job whose id and arguments are already written at `background`, cut
   * into `chunks` (1 to 0xffff). Only while `backgroundIdle()`.
   */
  startBackground(chunks: number): void {
    const side = this.side;
    Atomics.store(side, JOB_SLOT.done, 0);
    // No wake-up: a spinning worker sees the ticket, a sleeping one at its next job, and waking
    // it here (a system call, and on a busy machine a reason to lose the core) costs more than
    // the caller's own share of the chunks.
    Atomics.store(side, JOB_SLOT.ticket, chunks << 16);
  }

  /** Run the background job's unclaimed chunks here, then wait for the ones workers hold. */
  finishBackground(): void {
    const failure = this.awaitChunks(this.side, Atomics.load(this.side, JOB_SLOT.ticket) >>> 16);
    if (failure !== undefined) throw failure;
    this.throwWorkerTrap();
  }

  /**
   * Wait until `chunks` chunks of the job whose descriptor header is `h` are done, taking up
   * background chunks meanwhile (spinning, then Atomics.wait where the caller may block). Returns
   * the first trap of a background chunk run here, if any.
   */
  private awaitChunks(h: Int32Array, chunks: number): unknown {
    let failure: unknown = undefined;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(h, JOB_SLOT.done);
      if (done >= chunks) return failure;
      if (this.backgroundClaimable()) {
        failure ??= this.runBackgroundChunk();
        continue;
      }
      if (this.mayBlock && ++spins >= SPIN) {
        Atomics.wait(h, JOB_SLOT.done, done);
        spins = 0;
      }
    }
  }

  private backgroundClaimable(): boolean {
    const ticket = Atomics.load(this.side, JOB_SLOT.ticket);
    return (ticket & 0xffff) < ticket >>> 16;
  }

  /** One background chunk on the caller; a trap is returned (its chunk counted finished), not thrown. */
  private runBackgroundChunk(): unknown {
    try {
      this.kernels.workOne(this.background, 0);
      return undefined;
    } catch (error) {
      Atomics.add(this.side, JOB_SLOT.done, 1);
      return error;
    }
  }

  private throwWorkerTrap(): void {
    if (Atomics.exchange(this.control, CONTROL.error, 0) !== 0) throw new Error('a wasm kernel trapped on a worker thread');
  }

  /** Stop and terminate the workers; the pool runs jobs on the caller only afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
