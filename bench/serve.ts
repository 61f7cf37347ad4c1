/**
 * Load test of `latent serve` with autocannon, on loopback. A WBC detector (or with --mnist a
 * 784-256-32 model on MNIST digits), trained here in a moment and saved to a temporary folder, is
 * served by three processes:
 *
 *   - `latent serve` with micro-batching on (the default window),
 *   - `latent serve --batch-window-ms 0` (batching off),
 *   - a baseline: a bare `node:http` handler that calls `model.reconstructionError`
 *     (bench/serve-baseline.ts), the ceiling of one model call per request without batching.
 *
 * Each gets POST /v1/score requests of 1 and 64 rows at 1, 16 and 64 connections. The table gives
 * requests/s, rows/s, p50 and p99 latency, errors and non-2xx answers (any of either fails the
 * run: a FAILED line and a non-zero exit), and each server's RSS (VmRSS of its process) after its
 * warm-up and after its last run. The client shares the machine with the servers, so the figures
 * are a floor, not a promise.
 *
 *   npx tsx bench/serve.ts [--seconds 3] [--quick] [--mnist]
 *
 * --quick: 1 s runs at 16 connections only. Every run is bounded in time and in request count.
 * `npm run bench` runs this and writes the table into BENCHMARKS.md.
 */

import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matrix, type Matrix } from '../src/data/matrix.js';
import { loadDataset } from '../src/data/node-loaders.js';
import { loadMnist } from '../src/data/node-mnist.js';
import { saveModel } from '../src/io/model-node.js';
import { SERVE_DEFAULTS } from '../src/serve/server.js';
import { AutoencoderDetector } from '../src/tasks/detector.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Request bound of one run, far above what a few seconds reach here. */
const MAX_REQUESTS = 1_000_000;
const ROWS_PER_REQUEST = [1, 64] as const;

export interface ServeLoadOptions {
  /** Length of each measured run. */
  readonly seconds: number;
  /** Concurrent keep-alive connections, one run per count and request size. */
  readonly connections: readonly number[];
  readonly mnist?: boolean;
  /** Only named in the report's command line. */
  readonly quick?: boolean;
  readonly log?: (message: string) => void;
}

export interface LoadRun {
  readonly server: string;
  readonly rows: number;
  readonly connections: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

export interface ServeLoadReport {
  /** Markdown: a heading, the setup, the table and the RSS of each server. */
  readonly lines: string[];
  /** One line per run with errors or non-2xx answers; empty when the run passed. */
  readonly failures: string[];
}

interface Served {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
}

/** Start a served model in its own process and wait for the `... at http://...` line. */
function startServer(name: string, args: readonly string[]): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(new Error(`${name}: not listening after 60 s: ${text}`));
    }, 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /at (http:\/\/\S+) /.exec(text)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        done({ name, child, url });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code}: ${text}`));
    });
  });
}

/** Resident set size of a process in MiB, from /proc (NaN where there is none). */
function rssMiB(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? NaN : Number(kb) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * One autocannon run of POST /v1/score with `body`: `seconds` long, stopped early after
 * MAX_REQUESTS answers, and stopped by a timer should it overrun.
 */
async function runLoad(url: string, body: string, connections: number, seconds: number): Promise<Omit<LoadRun, 'server' | 'rows'>> {
  // autocannon's own histogram keeps whole milliseconds: the percentiles come from each answer's time.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      {
        url: `${url}/v1/score`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: seconds,
        timeout: 10,
      },
      (error: unknown, result: autocannon.Result) => {
        clearTimeout(guard);
        if (error) fail(error instanceof Error ? error : new Error(String(error)));
        else done(result);
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (latencies.push(responseTime) >= MAX_REQUESTS) instance.stop();
    });
    const guard = setTimeout(() => instance.stop(), (seconds + 20) * 1000);
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    connections,
    requestsPerSecond: result.requests.total / result.duration,
    p50: at(0.5),
    p99: at(0.99),
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

function subset(m: Matrix, rows: number): Matrix {
  return matrix(m.data.slice(0, rows * m.cols), rows, m.cols);
}

const fmt = (v: number, digits = 0): string => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Train the model, start the three servers, load each in turn and report. */
export async function serveLoad(options: ServeLoadOptions): Promise<ServeLoadReport> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const startLoad = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'latent-serve-load-'));
  const servers: Served[] = [];
  try {
    // WBC (9 features): the request overhead dominates. MNIST (784 pixels, 784-256-32): the model's work counts.
    const x = options.mnist ? subset(loadMnist().train.x, 2000) : loadDataset(resolve(ROOT, '../shared/data/adbench/42_WBC.npz')).x;
    const detector = await new AutoencoderDetector(options.mnist ? { epochs: 1, hidden: [256], latentDim: 32 } : { epochs: 5 }).fit(x);
    const model = join(dir, 'detector.safetensors');
    saveModel(model, detector.model, { extra: detector.detectorExtra() });
    const bodyOf = (n: number): string =>
      JSON.stringify({
        rows: Array.from({ length: n }, (_, i) => Array.from(x.data.subarray((i % x.rows) * x.cols, ((i % x.rows) + 1) * x.cols))),
      });

    const serve = ['scripts/latent.ts', 'serve', model, '--port', '0', '--quiet', '--no-watch'];
    log('serve load: starting the servers');
    servers.push(
      ...(await Promise.all([
        startServer(`latent serve, ${SERVE_DEFAULTS.batchWindowMs} ms window (default)`, serve),
        startServer('latent serve, batching off', [...serve, '--batch-window-ms', '0']),
        startServer('baseline: node:http + reconstructionError', ['bench/serve-baseline.ts', model]),
      ])),
    );

    // Every server is warmed up (JIT, connections), then the runs go round the servers in turn, so a
    // busy spell of the shared machine hits them alike.
    for (const { name, url } of servers) {
      log(`serve load: warming up ${name}`);
      await runLoad(url, bodyOf(1), 16, Math.min(1, options.seconds));
    }
    const rssStart = servers.map(({ child }) => rssMiB(child.pid));
    const runs: LoadRun[] = [];
    for (const rows of ROWS_PER_REQUEST) {
      const body = bodyOf(rows);
      for (const connections of options.connections) {
        for (const { name, url } of servers) {
          const run = { server: name, rows, ...(await runLoad(url, body, connections, options.seconds)) };
          log(
            `serve load: ${name}, ${rows} row(s), ${connections} connection(s): ${fmt(run.requestsPerSecond)} requests/s, p99 ${fmt(run.p99, 2)} ms`,
          );
          runs.push(run);
        }
      }
    }
    const rss = servers.map(({ name, child }, i) => ({ server: name, start: rssStart[i]!, end: rssMiB(child.pid) }));
    const order = servers.map(({ name }) => name);
    runs.sort((a, b) => order.indexOf(a.server) - order.indexOf(b.server));

    const lines = [
      '### Scoring server under load',
      '',
      `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node.js ${process.version}; load average at the start ${startLoad.toFixed(2)}.`,
      `Command: \`npx tsx bench/serve.ts${options.mnist ? ' --mnist' : ''}${options.quick ? ' --quick' : ` --seconds ${options.seconds}`}\` (also run by \`npm run bench\`; ${new Date().toISOString().slice(0, 10)}).`,
      '',
      `${options.mnist ? 'MNIST model, 784-256-32' : `WBC detector, ${x.cols} → ${detector.model.latentDim}`}, served by three processes on 127.0.0.1 and loaded by autocannon from a fourth on the same machine, ` +
        `POST /v1/score with ${ROWS_PER_REQUEST.join(' or ')} rows per request, keep-alive connections, ${options.seconds} s per run after a warm-up, the runs going round the three servers in turn. ` +
        'The baseline is a bare `node:http` handler that parses the JSON and calls `model.reconstructionError`: one model call per request, no validation, no batching. ' +
        'Latency is the time of each answer as autocannon measures it.',
      '',
      '| server | rows/request | connections | requests/s | rows/s | p50 ms | p99 ms | errors | non-2xx |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...runs.map(
        (r) =>
          `| ${r.server} | ${r.rows} | ${r.connections} | ${fmt(r.requestsPerSecond)} | ${fmt(r.requestsPerSecond * r.rows)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.errors} | ${r.non2xx} |`,
      ),
      '',
      'RSS of each server process (VmRSS), after the warm-ups → after the last run:',
      '',
      ...rss.map((r) => `- ${r.server}: ${fmt(r.start)} → ${fmt(r.end)} MiB`),
      '',
    ];
    const failures = runs
      .filter((r) => r.errors > 0 || r.non2xx > 0)
      .map((r) => `FAILED: ${r.server}, ${r.rows} row(s), ${r.connections} connection(s): ${r.errors} errors, ${r.non2xx} non-2xx answers`);
    return { lines, failures };
  } finally {
    for (const { child } of servers) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Options of the command line: `--seconds N`, `--quick` (1 s, 16 connections), `--mnist`. */
export function serveLoadOptions(argv: readonly string[]): ServeLoadOptions {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--seconds');
  const seconds = at < 0 ? (quick ? 1 : 3) : Number(argv[at + 1]);
  if (!(seconds > 0 && seconds <= 60)) throw new Error(`--seconds takes a number in (0, 60], not ${argv[at + 1]}`);
  return { seconds, connections: quick ? [16] : [1, 16, 64], mnist: argv.includes('--mnist'), quick };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await serveLoad(serveLoadOptions(process.argv));
  process.stdout.write(`${report.lines.join('\n')}\n`);
  for (const failure of report.failures) process.stderr.write(`${failure}\n`);
  process.exit(report.failures.length > 0 ? 1 : 0);
}
