/**
 * `latent serve`: flags and startup errors in-process, and graceful shutdown of a spawned CLI
 * process — SIGTERM while requests wait in a batch: they all finish, then the process exits 0.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, jsonRows, makeFixtures, post, type Answer, type Fixtures } from '../../serve/test-utils/fixtures.js';
import { captureIo, runCli } from '../test-utils/capture.js';
import { runServe } from './serve.js';

/** `latent ARGS` as its own process, from the sources. */
function spawnCli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/latent.ts', ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first match of `pattern` in the child's stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match !== null) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`latent serve exited with ${code} before printing ${pattern}: ${text}`)));
  });
}

function inFlight(metrics: string): number {
  return Number(/^latent_serve_requests_in_flight (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

describe('latent serve', () => {
  let f: Fixtures;

  beforeAll(async () => {
    f = await makeFixtures();
  });

  afterAll(() => rmSync(f.dir, { recursive: true, force: true }));

  it('refuses a malformed size and a missing model file before listening', async () => {
    const size = await runCli('serve', f.detectorPath, '--max-body', 'lots');
    expect(size.code).toBe(1);
    expect(size.stderr).toContain('--max-body "lots" is not a size');
    const missing = await runCli('serve', join(f.dir, 'none.safetensors'), '--port', '0');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('none.safetensors');
    const twice = await runCli('serve', f.detectorPath, f.detectorPath, '--port', '0');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('would both be served as "wbc"');
  });

  it('serves until told to stop, then says so', async () => {
    const io = captureIo();
    let stop: (signal: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const run = runServe([f.detectorPath, f.seriesPath], { port: '0', quiet: true, maxBody: '64kb' }, io, () => stopped);
    for (let i = 0; i < 200 && !io.stdout.includes('serving'); i++) await sleep(10);
    const url = /at (http:\S+)/.exec(io.stdout)?.[1] ?? '';
    expect((await get(`${url}/healthz`)).body).toEqual({ status: 'ok', models: 2 });
    expect((await post(`${url}/v1/score`, 'x'.repeat(70 * 1024), 'text/csv')).status).toBe(413);
    stop('SIGTERM');
    expect(await run).toBe(0);
    expect(io.stdout).toContain('serving 2 models at http://127.0.0.1:');
    expect(io.stdout).toContain('SIGTERM: finishing the requests in flight, then stopping\nstopped\n');
    // --quiet logs warnings only: no request lines.
    expect(io.stderr).toBe('');
  });

  it('finishes the requests in flight on SIGTERM, then exits 0', async () => {
    // A long batch window keeps requests in flight until the signal, which runs their batch at once.
    // A batch waits for its window only while other requests are in flight: a request whose body
    // never finishes arriving is one.
    const child = spawnCli(['serve', f.detectorPath, '--port', '0', '--batch-window-ms', '10000', '--quiet']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let unfinished: Socket | undefined;
    try {
      const [, url] = await waitForOutput(child, /at (http:\/\/\S+) /);
      const { hostname, port } = new URL(url!);
      unfinished = connect(Number(port), hostname);
      unfinished.on('error', () => undefined);
      unfinished.write('POST /v1/score HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      const requests: Array<Promise<Answer>> = [];
      for (let i = 0; i < 6; i++) requests.push(post(`${url}/v1/score`, { rows: jsonRows(f.x, i, i + 1) }));
      let waiting = 0;
      for (let i = 0; i < 200 && waiting < 6; i++) {
        waiting = inFlight((await get(`${url}/metrics`)).text);
        if (waiting < 6) await sleep(10);
      }
      expect(waiting).toBe(6);
      child.kill('SIGTERM');
      const answers = await Promise.all(requests);
      unfinished.destroy();
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(answers.map((a) => (a.body['scores'] as number[]).length)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      unfinished?.destroy();
      child.kill('SIGKILL');
    }
  });
});
