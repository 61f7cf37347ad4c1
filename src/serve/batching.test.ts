/**
 * Micro-batching over HTTP: concurrent small requests to one model share model calls, and every
 * answer is identical to the one a server without batching gives.
 */

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServeHandle } from './server.js';
import { get, jsonRows, makeFixtures, post, type Fixtures } from './test-utils/fixtures.js';

/** The sum and count of the batch-size histogram for one model and endpoint. */
function batchStats(metrics: string, endpoint: string): { requests: number; calls: number } {
  const value = (suffix: string): number =>
    Number(new RegExp(`^latent_serve_batch_requests_${suffix}\\{model="wbc",endpoint="${endpoint}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
  return { requests: value('sum'), calls: value('count') };
}

describe('micro-batching', () => {
  let f: Fixtures;
  let batched: ServeHandle;
  let unbatched: ServeHandle;

  beforeAll(async () => {
    f = await makeFixtures();
    // A wide window, so requests sent together surely meet in one batch on a busy machine.
    batched = await serve([f.detectorPath], { port: 0, watch: false, batchWindowMs: 200, logLevel: 'silent' });
    unbatched = await serve([f.detectorPath], { port: 0, watch: false, batchWindowMs: 0, logLevel: 'silent' });
  });

  afterAll(async () => {
    await batched?.close();
    await unbatched?.close();
    rmSync(f.dir, { recursive: true, force: true });
  });

  it.each(['score', 'encode', 'reconstruct'])('answers concurrent /v1/%s requests as the unbatched server does', async (endpoint) => {
    // Requests of 1 to 4 rows from different parts of the data.
    const bodies = Array.from({ length: 24 }, (_, i) => ({ rows: jsonRows(f.x, i * 9, i * 9 + 1 + (i % 4)) }));
    const together = await Promise.all(bodies.map((body) => post(`${batched.url}/v1/${endpoint}`, body)));
    const alone: string[] = [];
    for (const body of bodies) alone.push((await post(`${unbatched.url}/v1/${endpoint}`, body)).text);
    expect(together.map((a) => a.status)).toEqual(bodies.map(() => 200));
    expect(together.map((a) => a.text)).toEqual(alone);
    const stats = batchStats((await get(`${batched.url}/metrics`)).text, endpoint);
    expect(stats.requests).toBe(24);
    expect(stats.calls).toBeLessThan(24);
    const single = batchStats((await get(`${unbatched.url}/metrics`)).text, endpoint);
    expect(single).toEqual({ requests: 24, calls: 24 });
  });
});
