/**
 * Rough throughput of `latent serve`: a WBC detector (or with --mnist a 784-256-32 model on MNIST
 * digits) served by separate processes, loaded by concurrent keep-alive clients sending 1-row and 100-row score requests, with micro-batching
 * off (window 0) and on (2 ms), each served by its own process, in interleaved rounds. Prints
 * requests/s, rows/s and latency percentiles (medians over the rounds). The client shares the
 * machine with the servers, so the figures are a floor, not a promise.
 *
 *   npx tsx bench/serve.ts [--mnist] [--seconds 3] [--rounds 3] [--clients 32]
 *
 * Each run is bounded in time and in request count.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { matrix, type Matrix } from '../src/data/matrix.js';
import { loadDataset } from '../src/data/node-loaders.js';
import { loadMnist } from '../src/data/node-mnist.js';
import { saveModel } from '../src/io/model-node.js';
import { AutoencoderDetector } from '../src/tasks/detector.js';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const SECONDS = argument('--seconds', 3);
const ROUNDS = argument('--rounds', 3);
const CLIENTS = argument('--clients', 32);
const MAX_REQUESTS = 200_000;
const MNIST = process.argv.includes('--mnist');

function subset(m: Matrix, rows: number): Matrix {
  return matrix(m.data.slice(0, rows * m.cols), rows, m.cols);
}

function startServer(model: string, windowMs: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/latent.ts', 'serve', model, '--port', '0', '--quiet', '--batch-window-ms', String(windowMs)],
    { cwd: resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((done, fail) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /at (http:\/\/\S+) /.exec(text)?.[1];
      if (url !== undefined) done({ child, url });
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${text}`)));
  });
}

function postOnce(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/v1/score',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function load(url: string, body: string): Promise<{ requests: number; seconds: number; p50: number; p99: number; failed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const target = new URL(url);
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const client = async (): Promise<void> => {
    while (performance.now() < end && latencies.length < MAX_REQUESTS) {
      const t = performance.now();
      if ((await postOnce(agent, target, body)) !== 200) failed++;
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { requests: latencies.length, seconds, p50: at(0.5), p99: at(0.99), failed };
}

const dir = mkdtempSync(join(tmpdir(), 'latent-serve-bench-'));
try {
  // WBC (9 features): the request overhead dominates. MNIST (784 pixels, 784-256-32): the model's work counts.
  const x = MNIST ? subset(loadMnist().train.x, 2000) : loadDataset(resolve(import.meta.dirname, '../../shared/data/adbench/42_WBC.npz')).x;
  const detector = await new AutoencoderDetector(MNIST ? { epochs: 1, hidden: [256], latentDim: 32 } : { epochs: 5 }).fit(x);
  const model = join(dir, 'wbc.safetensors');
  saveModel(model, detector.model, { extra: detector.detectorExtra() });
  const rowsOf = (n: number): string =>
    JSON.stringify({
      rows: Array.from({ length: n }, (_, i) => Array.from(x.data.subarray((i % x.rows) * x.cols, ((i % x.rows) + 1) * x.cols))),
    });
  console.log(
    `latent serve, ${MNIST ? 'MNIST' : 'WBC'} detector (${x.cols} → ${detector.model.latentDim}), ${CLIENTS} clients, ${ROUNDS} interleaved rounds of ${SECONDS} s, ` +
      `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); medians over the rounds`,
  );
  const servers = [await startServer(model, 0), await startServer(model, 2)];
  try {
    for (const { url } of servers) await load(url, rowsOf(1)); // warm-up: JIT, connections
    const results = new Map<string, Array<Awaited<ReturnType<typeof load>>>>();
    // Rounds alternate the configurations, so a busy spell on a shared machine hits them alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const rows of [1, 100]) {
        for (const [i, { url }] of servers.entries()) {
          const key = `${rows}|${i === 0 ? 'off' : '2 ms'}`;
          results.set(key, [...(results.get(key) ?? []), await load(url, rowsOf(rows))]);
        }
      }
    }
    console.log('| rows/request | batch window | requests/s | rows/s | p50 ms | p99 ms | failed |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    for (const [key, runs] of results) {
      const [rows, window] = key.split('|');
      const rate = median(runs.map((r) => r.requests / r.seconds));
      const failed = runs.reduce((n, r) => n + r.failed, 0);
      console.log(
        `| ${rows} | ${window} | ${rate.toFixed(0)} | ${(rate * Number(rows)).toFixed(0)} | ${median(runs.map((r) => r.p50)).toFixed(2)} | ${median(runs.map((r) => r.p99)).toFixed(2)} | ${failed} |`,
      );
    }
  } finally {
    for (const { child } of servers) child.kill('SIGTERM');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
