/**
 * Environment glue for threads: how many cores there are, whether shared memory works, and how
 * to start a worker running worker-source.ts in Node (worker_threads) or a browser (Web Workers).
 *
 * Node modules are imported dynamically through a variable so browser bundles never try to
 * resolve them. Started workers are unref'd: an idle pool never keeps a Node process alive.
 */

import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE, type WorkerStartData } from './worker-source.js';

/** A started worker that has instantiated the kernels and is waiting for jobs. */
export interface WorkerHandle {
  terminate(): Promise<void>;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

async function importNode<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

/** True where shared WebAssembly memory and workers can be used together. */
export function threadsSupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  if (isNode()) return true;
  const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  return scope.crossOriginIsolated === true && typeof scope.Worker === 'function';
}

/** Logical cores available to this process (1 when unknown). */
export async function coreCount(): Promise<number> {
  if (isNode()) {
    const os = await importNode<typeof import('node:os')>('node:os');
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** Start one worker and resolve once it has instantiated the kernels. */
export async function spawnWorker(data: WorkerStartData): Promise<WorkerHandle> {
  return isNode() ? spawnNodeWorker(data) : spawnBrowserWorker(data);
}

async function spawnNodeWorker(data: WorkerStartData): Promise<WorkerHandle> {
  const { Worker } = await importNode<typeof import('node:worker_threads')>('node:worker_threads');
  const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`wasm worker exited during start (code ${code})`)));
  });
  worker.removeAllListeners();
  // A worker error after start is a bug in the kernels; report it rather than crash the host.
  worker.on('error', (error) => console.error('latent: wasm worker failed:', error));
  worker.unref();
  return {
    async terminate() {
      await worker.terminate();
    },
  };
}

interface BrowserWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

async function spawnBrowserWorker(data: WorkerStartData): Promise<WorkerHandle> {
  const scope = globalThis as { Worker?: new (url: string) => BrowserWorker };
  if (scope.Worker === undefined) throw new Error('Web Workers are not available here');
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new scope.Worker(url);
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(`wasm worker failed to start: ${String(event)}`));
      worker.postMessage(data);
    });
  } finally {
    worker.onmessage = null;
    worker.onerror = null;
    URL.revokeObjectURL(url);
  }
  return {
    async terminate() {
      worker.terminate();
    },
  };
}
